/// The DINAMAP host protocol's framing (vital-signs-monitors.md §2.3–2.4): ASCII, one message per
/// line ended by CR, two checksum characters before the CR.
public enum DinamapWire {
    /// The unit identifier every public driver sends (§2.3).
    public static let unitID: UInt8 = 0x20
    public static let carriageReturn: UInt8 = 0x0D

    /// The two checksum characters of `body` (every character before them, unit id included;
    /// manual App. B as restated in §2.4): each character counts `code − 0x20 + 1`, the sum is kept
    /// in 12 bits (subtracting 0xFFF when it passes it), and its high and low six bits are sent as
    /// printable characters `0x20 + bits`.
    public static func checksum<C: Collection>(_ body: C) -> (UInt8, UInt8) where C.Element == UInt8 {
        var sum = 0
        for c in body {
            sum += Int(c) - 0x1F
            if sum > 0xFFF { sum -= 0xFFF }
        }
        // Bytes below 0x1F would make the sum negative; they never pass the reply checks, but the
        // arithmetic must not trap on them.
        let s = max(0, sum)
        return (UInt8(0x20 + (s >> 6) & 0x3F), UInt8(0x20 + s & 0x3F))
    }

    /// A request as sent: unit id, the two command letters, arguments, checksum, CR.
    public static func request(_ command: String) -> [UInt8] {
        var body = [unitID] + Array(command.utf8)
        let (k1, k2) = checksum(body)
        body += [k1, k2, carriageReturn]
        return body
    }
}

/// Cuts the monitor's replies into lines: bytes up to CR, LF dropped (§2.13), at most
/// ``maximumLineLength`` bytes (longer runs are discarded to the next CR and reported).
public struct DinamapLineFramer: Sendable {
    public enum Outcome: Equatable, Sendable { case line, oversize }

    /// The longest reply in our notes (NIBP) is 21 characters before its CR.
    public static let maximumLineLength = 64

    public private(set) var line: [UInt8] = []
    private var buffer: [UInt8] = []
    private var discarding = false
    public private(set) var bytesDiscarded = 0

    public init() {}

    public mutating func next(in bytes: UnsafeRawBufferPointer, from index: inout Int) -> Outcome? {
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            if b == DinamapWire.carriageReturn {
                if discarding {
                    discarding = false
                    bytesDiscarded += 1
                    continue
                }
                if buffer.isEmpty { continue }
                line = buffer
                buffer.removeAll(keepingCapacity: true)
                return .line
            }
            if discarding {
                bytesDiscarded += 1
                continue
            }
            if b == 0x0A { continue }
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
