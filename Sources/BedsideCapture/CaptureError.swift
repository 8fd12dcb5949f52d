/// Why a capture file could not be read or written. Each case names the file and says what to do.
public enum CaptureError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at this path.
    case notFound(path: String)
    /// A system call on the file failed.
    case io(operation: String, path: String, errno: Int32)
    /// The file does not start with the `.bbcap` magic.
    case notACapture(path: String)
    /// Written by a newer format version than this build reads.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The header is damaged or inconsistent (checksum, encoding, a missing or malformed field).
    case corruptHeader(path: String, reason: String)
    /// A record kind this version must understand but does not: the file is from a newer writer.
    case unsupportedRecordKind(path: String, kind: UInt8, offset: Int64)
    /// The file already exists and the writer was asked to create a new one.
    case alreadyExists(path: String)
    /// The writer was used after ``CaptureWriter/close()``.
    case closed(path: String)
    /// A chunk too large for one record (more than ``CaptureFileFormat/maximumRecordPayload`` bytes).
    case chunkTooLarge(path: String, bytes: Int)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "capture \(path) does not exist"
        case .io(let op, let path, let code):
            return "\(op) \(path) failed: \(systemErrorText(code)) (errno \(code))"
        case .notACapture(let path):
            return "\(path) is not a Bedside capture (.bbcap): its first bytes are not the capture magic; `bedside replay` reads a raw byte dump (with --driver) or an IntelliVue serial log directly"
        case .unsupportedVersion(let path, let found, let supported):
            return "capture \(path) has format version \(found), this build reads up to \(supported): use a newer bedside"
        case .corruptHeader(let path, let reason):
            return "capture \(path) has a damaged header (\(reason)); the file cannot be trusted"
        case .unsupportedRecordKind(let path, let kind, let offset):
            return "capture \(path) has a record of kind 0x\(String(kind, radix: 16)) at byte \(offset) that this build does not know: use a newer bedside"
        case .alreadyExists(let path):
            return "capture \(path) already exists: choose another name, or pass --rotate-capture to write NAME-1.bbcap, NAME-2.bbcap, …"
        case .closed(let path):
            return "capture \(path) was already closed"
        case .chunkTooLarge(let path, let bytes):
            return "chunk of \(bytes) bytes does not fit one record of capture \(path) (limit \(CaptureFileFormat.maximumRecordPayload))"
        }
    }
}
