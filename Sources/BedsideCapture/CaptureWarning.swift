/// A byte range of an input that a reader could not decode and left out, and why.
///
/// Readers never return damaged data and never stop at damage: they skip to the next unit that
/// checks (a `.bbcap` record with a valid CRC, an IntelliVue log entry with a valid stamp and FCS)
/// and go on, reporting each skipped range once. ``Cause`` says whether the input was damaged
/// (valid data follows, or a complete unit fails its check) or cut short (it ends inside a unit,
/// as a crash or power loss leaves it).
public struct CaptureWarning: Hashable, Sendable, CustomStringConvertible {
    public enum Cause: String, Hashable, Sendable {
        /// Bytes that do not check, not (only) at the end: a flipped bit, a logger that lost
        /// bytes, garbage. The data around it was read.
        case damaged
        /// The input ends inside a unit (or in the zeros a power loss leaves after the last
        /// write): the recording stopped there; everything before it was read.
        case cutShort = "cut short"
    }

    /// The input's name (its path, or `stdin`).
    public var path: String
    /// Offset of the first skipped byte.
    public var offset: Int64
    /// How many bytes were skipped.
    public var bytes: Int64
    public var cause: Cause
    /// What failed first, e.g. "record checksum mismatch".
    public var reason: String

    public init(path: String, offset: Int64, bytes: Int64, cause: Cause, reason: String) {
        self.path = path
        self.offset = offset
        self.bytes = bytes
        self.cause = cause
        self.reason = reason
    }

    /// Offset just past the last skipped byte.
    public var endOffset: Int64 { offset + bytes }

    public var description: String {
        let range = "bytes \(offset)..<\(endOffset) (\(bytes) bytes)"
        switch cause {
        case .damaged:
            return "\(path): skipped \(range): damaged (\(reason)); everything outside this range was read"
        case .cutShort:
            return "\(path): skipped \(range): cut short (\(reason)); the recording stopped there, everything before it was read"
        }
    }
}

extension Collection where Element == CaptureWarning {
    /// Total bytes skipped.
    public var skippedBytes: Int64 { reduce(0) { $0 + $1.bytes } }
}
