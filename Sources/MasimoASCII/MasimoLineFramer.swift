/// Cuts the oximeter's output into lines: bytes up to LF, the CR before it dropped, at most
/// ``maximumLineLength`` bytes (a longer run is discarded up to its LF and reported once).
///
/// A line is only complete when its LF arrives, so a line cut short by a disconnect is never
/// decoded; the bytes of an interrupted line and the next line run together and fail the grammar.
public struct MasimoLineFramer: Sendable {
    /// What one step of the framer found.
    public enum Outcome: Equatable, Sendable {
        /// A complete line is in ``line`` (without CR LF).
        case line
        /// More than ``maximumLineLength`` bytes before an LF: discarded up to the next LF.
        case oversize
    }

    /// The longest line kept. The longest real line in our notes (colour Rad-7) is 187 characters.
    public static let maximumLineLength = 512

    /// The current complete line, valid after ``next(in:from:)`` returned `.line`.
    public private(set) var line: [UInt8] = []
    private var buffer: [UInt8] = []
    private var discarding = false
    /// A CR was read; it ends the line only if LF follows, else it stays in the line (and fails the grammar).
    private var pendingCR = false
    /// Bytes thrown away in oversize runs, since creation.
    public private(set) var bytesDiscarded = 0

    public init() { buffer.reserveCapacity(256) }

    /// Consumes bytes from `index` up to the next event and returns it, or `nil` when the bytes are used up.
    public mutating func next(in bytes: UnsafeRawBufferPointer, from index: inout Int) -> Outcome? {
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            if b == 0x0A {
                pendingCR = false
                if discarding {
                    discarding = false
                    bytesDiscarded += 1
                    continue
                }
                line = buffer
                buffer.removeAll(keepingCapacity: true)
                return .line
            }
            if discarding {
                bytesDiscarded += 1
                continue
            }
            if pendingCR {
                pendingCR = false
                buffer.append(0x0D)
            }
            if b == 0x0D {
                pendingCR = true
                continue
            }
            buffer.append(b)
            if buffer.count > Self.maximumLineLength {
                bytesDiscarded += buffer.count
                buffer.removeAll(keepingCapacity: true)
                discarding = true
                return .oversize
            }
        }
        return nil
    }
}
