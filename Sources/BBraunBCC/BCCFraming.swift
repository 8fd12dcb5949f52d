/// The BCC frame: `<SOH> LLLLL <STX> bedId "/1/1>" information (<ETX>|<ETB>) CCCCC <EOT>`
/// (pumps.md §1.3, from B. Braun's "Technical Interface Specification BCC").
///
/// `LLLLL` counts the whole frame, `<SOH>` through `<EOT>`, before stuffing; `CCCCC` is the sum of
/// the bytes `<SOH>` through `<ETX>/<ETB>` modulo 256, also before stuffing. Both are five ASCII
/// decimal digits.
public enum BCCFraming {
    public static let soh: UInt8 = 0x01
    public static let stx: UInt8 = 0x02
    public static let etx: UInt8 = 0x03
    public static let eot: UInt8 = 0x04
    public static let ack: UInt8 = 0x06
    public static let nak: UInt8 = 0x15
    public static let etb: UInt8 = 0x17
    /// Separates the quadruples of an answer.
    public static let recordSeparator: UInt8 = 0x1E
    /// The five characters that always follow the bed id.
    public static let bedIdSuffix: [UInt8] = Array("/1/1>".utf8)
    /// The bed id of the very first request (`ADMIN:ALIVE`), before the real one is known.
    public static let initialBedId = "1"
    /// Longest bed id the specification allows.
    public static let maximumBedIdLength = 15
    /// Bytes of a frame around its bed id and information: 1+5+1+5(suffix)+1+5+1.
    public static let overhead = 19
    /// The largest plain frame the five-digit length field can describe.
    public static let maximumFrameLength = 99_999

    /// How a block ends: the last block of an answer, or more follow after `<ACK>`.
    public enum Terminator: Hashable, Sendable {
        case lastBlock
        case moreBlocks

        public var byte: UInt8 { self == .lastBlock ? BCCFraming.etx : BCCFraming.etb }
    }

    /// The sum of `bytes` modulo 256, the BCC checksum.
    public static func checksum<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        var sum = 0
        for b in bytes { sum = (sum + Int(b)) & 0xFF }
        return sum
    }

    /// The plain (unstuffed) frame for `bedId` and `information`, length and checksum filled in.
    public static func plainFrame(bedId: String, information: [UInt8], terminator: Terminator = .lastBlock) -> [UInt8] {
        let bed = Array(bedId.utf8)
        let length = overhead + bed.count + information.count
        var frame: [UInt8] = []
        frame.reserveCapacity(length)
        frame.append(soh)
        appendDigits(length, to: &frame)
        frame.append(stx)
        frame.append(contentsOf: bed)
        frame.append(contentsOf: bedIdSuffix)
        frame.append(contentsOf: information)
        frame.append(terminator.byte)
        appendDigits(checksum(frame), to: &frame)
        frame.append(eot)
        return frame
    }

    /// The frame as it goes on the wire: built plain, then stuffed whole when `stuffing` is on
    /// (the sender's order, pumps.md §1.4).
    public static func wireFrame(bedId: String, information: [UInt8], terminator: Terminator = .lastBlock,
                                 stuffing: Bool) -> [UInt8] {
        let plain = plainFrame(bedId: bedId, information: information, terminator: terminator)
        return stuffing ? BCCStuffing.stuff(plain) : plain
    }

    /// A request frame (`ADMIN:ALIVE`, `MEM:GET` …).
    public static func request(_ text: String, bedId: String, stuffing: Bool) -> [UInt8] {
        wireFrame(bedId: bedId, information: Array(text.utf8), stuffing: stuffing)
    }

    static func appendDigits(_ value: Int, to out: inout [UInt8]) {
        var digits = [UInt8](repeating: 48, count: 5)
        var v = value
        for i in stride(from: 4, through: 0, by: -1) {
            digits[i] = UInt8(48 + v % 10)
            v /= 10
        }
        out.append(contentsOf: digits)
    }

    /// Five ASCII decimal digits as a number, `nil` if any is not a digit.
    static func parseDigits<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        guard bytes.count == 5 else { return nil }
        var v = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }
}

/// BCC character stuffing (pumps.md §1.4): `D`→`EX`, `E`→`EE`, `d`→`ex`, `e`→`ee`; every other
/// byte unchanged. A ComDevice setting, on or off per device.
public enum BCCStuffing {
    public static func stuff(_ plain: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(plain.count + plain.count / 4)
        for b in plain {
            switch b {
            case UInt8(ascii: "D"): out.append(UInt8(ascii: "E")); out.append(UInt8(ascii: "X"))
            case UInt8(ascii: "E"): out.append(UInt8(ascii: "E")); out.append(UInt8(ascii: "E"))
            case UInt8(ascii: "d"): out.append(UInt8(ascii: "e")); out.append(UInt8(ascii: "x"))
            case UInt8(ascii: "e"): out.append(UInt8(ascii: "e")); out.append(UInt8(ascii: "e"))
            default: out.append(b)
            }
        }
        return out
    }

    /// Reverses ``stuff(_:)`` with a left-to-right scanner: an `E`/`e` always introduces an escape
    /// and consumes the next byte, which must be `X`/`E` (`x`/`e`) of the same case. Anything else
    /// is a framing error (`nil`): the frame is not read.
    public static func destuff<C: Collection>(_ wire: C) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(wire.count)
        var pending: UInt8?
        for b in wire {
            if let escape = pending {
                pending = nil
                switch (escape, b) {
                case (UInt8(ascii: "E"), UInt8(ascii: "X")): out.append(UInt8(ascii: "D"))
                case (UInt8(ascii: "E"), UInt8(ascii: "E")): out.append(UInt8(ascii: "E"))
                case (UInt8(ascii: "e"), UInt8(ascii: "x")): out.append(UInt8(ascii: "d"))
                case (UInt8(ascii: "e"), UInt8(ascii: "e")): out.append(UInt8(ascii: "e"))
                default: return nil
                }
                continue
            }
            switch b {
            case UInt8(ascii: "E"), UInt8(ascii: "e"): pending = b
            // An unescaped D/d cannot occur on a stuffed line.
            case UInt8(ascii: "D"), UInt8(ascii: "d"): return nil
            default: out.append(b)
            }
        }
        return pending == nil ? out : nil
    }
}
