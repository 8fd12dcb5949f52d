/// One checked BCC block: the bed id of the ComDevice that sent it, its information text and
/// whether more blocks follow.
public struct BCCFrame: Hashable, Sendable {
    public var bedId: String
    /// The information field, destuffed (UTF-8 text: a request or quadruples).
    public var information: [UInt8]
    public var terminator: BCCFraming.Terminator

    public init(bedId: String, information: [UInt8], terminator: BCCFraming.Terminator) {
        self.bedId = bedId
        self.information = information
        self.terminator = terminator
    }
}

/// Why the decoder refused a frame. Nothing refused is ever read.
public enum BCCFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A new `<SOH>` arrived before the `<EOT>` of the frame in progress (what follows is counted
    /// on its own).
    case truncated
    /// A whole frame whose `<EOT>` was damaged: it ran into the next `<SOH>`.
    case lostEnd
    /// An `<EOT>` after bytes that had no `<SOH>`: a frame whose start was damaged.
    case lostStart
    /// The frame grew past the longest length the 5-digit field allows.
    case oversize
    /// Character stuffing is on and an escape was not one of `EX EE ex ee` (or it is off and the
    /// device stuffs: the length then disagrees).
    case badEscape
    /// The length field disagrees with the destuffed byte count.
    case lengthMismatch(declared: Int, actual: Int)
    /// The checksum field disagrees with the sum of the bytes.
    case checksumMismatch(declared: Int, computed: Int)
    /// Not shaped like a BCC frame (missing `<STX>`, bed id suffix, terminator or digit fields).
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: "frame cut short by a new <SOH>"
        case .lostEnd: "frame without its <EOT> (damaged), run into the next <SOH>"
        case .lostStart: "frame without its <SOH> (damaged)"
        case .oversize: "frame longer than \(BCCFraming.maximumFrameLength) bytes without <EOT>"
        case .badEscape: "invalid character stuffing (check the ComDevice's 'Character Stuffing' setting against the stuffing option)"
        case .lengthMismatch(let d, let a): "length field says \(d) bytes, the frame has \(a) (check the stuffing setting)"
        case .checksumMismatch(let d, let c): "checksum field says \(d), the bytes sum to \(c) (line noise or wrong baud rate)"
        case .malformed(let why): "malformed frame: \(why)"
        }
    }

    /// The counter it is counted under (the standard ``DriverCounter`` names where one fits).
    public var counterName: String {
        switch self {
        case .truncated: "frames.truncated"
        case .oversize, .lengthMismatch: "frames.length-error"
        case .checksumMismatch: "frames.checksum-error"
        case .malformed, .badEscape, .lostEnd, .lostStart: "frames.malformed"
        }
    }
}

/// Incremental BCC deframer in the receiver's order of pumps.md §1.4: collect `<SOH>`…`<EOT>`,
/// destuff (when stuffing is on), check the length field against the destuffed count, check the
/// checksum, then split the header. Resynchronises on `<SOH>`, which never occurs inside data.
public struct BCCFrameDecoder: Sendable {
    public enum Event: Hashable, Sendable {
        case frame(BCCFrame)
        case error(BCCFrameError)
    }

    /// Whether the line carries stuffed frames (a ComDevice setting).
    public var stuffing: Bool
    private var buffer: [UInt8] = []
    private var inFrame = false
    /// Bytes arrived outside a frame since the last frame boundary.
    private var stray = false
    /// A frame is being collected (a control byte now would be inside it).
    public var isInsideFrame: Bool { inFrame }
    /// Bytes seen outside any frame since the last ``takeDiscarded()``.
    public private(set) var discarded = 0

    /// Twice the plain maximum: a fully stuffed frame of the longest declarable length.
    static let maximumWireLength = 2 * BCCFraming.maximumFrameLength

    public init(stuffing: Bool) { self.stuffing = stuffing }

    /// Returns and clears the count of stray bytes.
    public mutating func takeDiscarded() -> Int {
        defer { discarded = 0 }
        return discarded
    }

    /// Forgets a partial frame (after a time-out: what follows is a new answer).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        inFrame = false
        stray = false
    }

    /// Feeds `bytes`; returns the frames and errors they complete, in order.
    public mutating func feed<C: Collection>(_ bytes: C) -> [Event] where C.Element == UInt8 {
        var events: [Event] = []
        for b in bytes {
            if b == BCCFraming.soh {
                if inFrame {
                    // `… <ETX|ETB> CCCCC` and one more byte: a complete frame whose <EOT> was damaged.
                    let n = buffer.count
                    let complete = n >= 8 && (buffer[n - 7] == BCCFraming.etx || buffer[n - 7] == BCCFraming.etb)
                    events.append(.error(complete ? .lostEnd : .truncated))
                }
                buffer.removeAll(keepingCapacity: true)
                buffer.append(b)
                inFrame = true
                stray = false
                continue
            }
            guard inFrame else {
                discarded += 1
                if b == BCCFraming.eot, stray {
                    events.append(.error(.lostStart))
                    stray = false
                } else if b != BCCFraming.eot {
                    stray = true
                }
                continue
            }
            buffer.append(b)
            if b == BCCFraming.eot {
                inFrame = false
                events.append(Self.check(buffer, stuffing: stuffing))
                buffer.removeAll(keepingCapacity: true)
            } else if buffer.count > Self.maximumWireLength {
                inFrame = false
                buffer.removeAll(keepingCapacity: true)
                events.append(.error(.oversize))
            }
        }
        return events
    }

    /// Checks one complete wire frame (`<SOH>`…`<EOT>`).
    public static func check(_ wire: [UInt8], stuffing: Bool) -> Event {
        let plain: [UInt8]
        if stuffing {
            guard let d = BCCStuffing.destuff(wire) else { return .error(.badEscape) }
            plain = d
        } else {
            plain = wire
        }
        guard plain.count >= BCCFraming.overhead + 1, plain.first == BCCFraming.soh, plain.last == BCCFraming.eot else {
            return .error(.malformed("shorter than the smallest frame"))
        }
        guard let declared = BCCFraming.parseDigits(plain[1..<6]) else { return .error(.malformed("length field is not 5 digits")) }
        guard declared == plain.count else { return .error(.lengthMismatch(declared: declared, actual: plain.count)) }
        let n = plain.count
        guard let sum = BCCFraming.parseDigits(plain[(n - 6)..<(n - 1)]) else {
            return .error(.malformed("checksum field is not 5 digits"))
        }
        let computed = BCCFraming.checksum(plain[0..<(n - 6)])
        guard sum == computed else { return .error(.checksumMismatch(declared: sum, computed: computed)) }
        let terminator: BCCFraming.Terminator
        switch plain[n - 7] {
        case BCCFraming.etx: terminator = .lastBlock
        case BCCFraming.etb: terminator = .moreBlocks
        default: return .error(.malformed("no <ETX>/<ETB> before the checksum"))
        }
        guard plain[6] == BCCFraming.stx else { return .error(.malformed("no <STX> after the length")) }
        // At least one bed id character before "/1/1>". The bed id cannot contain '>' (allowed: '/', digits, 'A'…'z'), so the first '>' ends "/1/1>".
        let body = 7..<(n - 7)
        guard let gt = plain[body].firstIndex(of: UInt8(ascii: ">")), gt >= 7 + 1 + 4,
              Array(plain[(gt - 4)...gt]) == BCCFraming.bedIdSuffix else {
            return .error(.malformed("no bed id followed by /1/1>"))
        }
        let bed = plain[7..<(gt - 4)]
        guard bed.count <= BCCFraming.maximumBedIdLength,
              bed.allSatisfy({ (47...57).contains($0) || (65...122).contains($0) }) else {
            return .error(.malformed("bed id has characters or a length the specification does not allow"))
        }
        return .frame(BCCFrame(bedId: String(decoding: bed, as: UTF8.self),
                               information: Array(plain[(gt + 1)..<(n - 7)]), terminator: terminator))
    }
}
