/// The Asena frame: `'!' body '|' CCCC <CR>`, body = fields separated by `^`, CCCC = CRC-16/CCITT-FALSE
/// of the body as four upper-case hex digits (pumps.md §2.2; verified on the literal frames there).
public enum AsenaFraming {
    public static let start = UInt8(ascii: "!")
    public static let checksumSeparator = UInt8(ascii: "|")
    public static let fieldSeparator = UInt8(ascii: "^")
    public static let end: UInt8 = 0x0D
    /// The pump aborts a reply in progress with `<ESC>`.
    public static let escape: UInt8 = 0x1B
    /// No known reply comes near this; anything longer is noise.
    public static let maximumFrameLength = 1024

    /// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, not reflected, no final XOR.
    public static func crc<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0xFFFF
        for b in bytes {
            crc ^= UInt16(b) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Four upper-case hex digits.
    public static func hex(_ v: UInt16) -> [UInt8] {
        [hexDigits[Int(v >> 12)], hexDigits[Int((v >> 8) & 0xF)], hexDigits[Int((v >> 4) & 0xF)], hexDigits[Int(v & 0xF)]]
    }

    /// A complete frame for `fields` joined with `^`.
    public static func frame(_ fields: [String]) -> [UInt8] {
        frame(body: Array(fields.joined(separator: "^").utf8))
    }

    public static func frame(body: [UInt8]) -> [UInt8] {
        [start] + body + [checksumSeparator] + hex(crc(body)) + [end]
    }

    /// The remote-control unlock code of a pump: the CRC of its serial number text. The bridge never
    /// sends it (read-only); kept to check the notes' facts and for the simulator.
    public static func unlockCode(serial: String) -> String {
        String(decoding: hex(crc(Array(serial.utf8))), as: UTF8.self)
    }
}

/// Why the decoder refused a frame. Nothing refused is read.
public enum AsenaFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    case badCRC(declared: String, computed: String)
    /// No `|CCCC` before the `<CR>`.
    case malformed
    case oversize
    /// The pump sent `<ESC>`: the partial reply is void.
    case aborted
    /// A new `!` before the `<CR>` of the frame in progress (what follows is counted on its own).
    case truncated
    /// A whole frame whose `<CR>` was damaged: it ran into the next `!`.
    case lostEnd
    /// A `<CR>` after bytes that had no `!`: a frame whose start was damaged.
    case lostStart

    public var description: String {
        switch self {
        case .badCRC(let d, let c): "CRC field says \(d), the body gives \(c) (line noise or wrong baud rate: 38400 8N1)"
        case .malformed: "frame without a |CCCC checksum"
        case .oversize: "frame longer than \(AsenaFraming.maximumFrameLength) bytes"
        case .aborted: "reply aborted by the pump (<ESC>)"
        case .truncated: "frame cut short by a new '!'"
        case .lostEnd: "frame without its <CR> (damaged), run into the next '!'"
        case .lostStart: "frame without its '!' (damaged)"
        }
    }

    public var counterName: String {
        switch self {
        case .badCRC: "frames.checksum-error"
        case .malformed: "frames.malformed"
        case .oversize: "frames.length-error"
        case .aborted: "frames.aborted"
        case .truncated: "frames.truncated"
        case .lostEnd, .lostStart: "frames.malformed"
        }
    }
}

/// Incremental Asena deframer: `!` starts a frame, `<CR>` ends it, `<ESC>` aborts it; the CRC is
/// checked before the body is split into fields.
public struct AsenaFrameDecoder: Sendable {
    public enum Event: Hashable, Sendable {
        /// A checked frame's fields (the first is the command name).
        case frame([String])
        case error(AsenaFrameError)
    }

    private var buffer: [UInt8] = []
    private var inFrame = false
    /// Bytes arrived outside a frame since the last frame boundary.
    private var stray = false
    public private(set) var discarded = 0

    public init() {}

    public mutating func takeDiscarded() -> Int {
        defer { discarded = 0 }
        return discarded
    }

    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        inFrame = false
        stray = false
    }

    public mutating func feed<C: Collection>(_ bytes: C) -> [Event] where C.Element == UInt8 {
        var events: [Event] = []
        for b in bytes {
            switch b {
            case AsenaFraming.start:
                if inFrame {
                    // `body|CCCC` and one more byte: a complete frame whose <CR> was damaged.
                    let complete = buffer.count >= 6 && buffer[buffer.count - 6] == AsenaFraming.checksumSeparator
                    events.append(.error(complete ? .lostEnd : .truncated))
                }
                buffer.removeAll(keepingCapacity: true)
                inFrame = true
                stray = false
            case AsenaFraming.escape:
                if inFrame { events.append(.error(.aborted)) } else { discarded += 1 }
                reset()
            case AsenaFraming.end:
                if inFrame {
                    events.append(Self.check(buffer))
                } else {
                    discarded += 1
                    if stray { events.append(.error(.lostStart)) }
                }
                reset()
            default:
                guard inFrame else { discarded += 1; stray = true; continue }
                buffer.append(b)
                if buffer.count > AsenaFraming.maximumFrameLength {
                    events.append(.error(.oversize))
                    reset()
                }
            }
        }
        return events
    }

    /// Checks the bytes between `!` and `<CR>`: `body '|' CCCC`.
    public static func check(_ inner: [UInt8]) -> Event {
        guard inner.count >= 5, inner[inner.count - 5] == AsenaFraming.checksumSeparator else { return .error(.malformed) }
        let body = inner[0..<(inner.count - 5)]
        let declared = Array(inner.suffix(4))
        let computed = AsenaFraming.hex(AsenaFraming.crc(body))
        guard declared == computed else {
            return .error(.badCRC(declared: String(decoding: declared, as: UTF8.self), computed: String(decoding: computed, as: UTF8.self)))
        }
        return .frame(body.split(separator: AsenaFraming.fieldSeparator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) })
    }
}
