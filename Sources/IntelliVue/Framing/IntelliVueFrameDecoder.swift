import BedsideDriver

/// Why the frame decoder dropped bytes. Nothing it drops is ever decoded.
public enum IntelliVueFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame's FCS did not check: bytes were corrupted on the line.
    case badFCS
    /// The frame grew past the MIB size limit without an EOF (or declared a larger length).
    case oversize
    /// A new BOF arrived before the previous frame's EOF: the previous frame is incomplete.
    case truncated
    /// The sender aborted the frame (`7d c1`).
    case aborted
    /// The frame is shorter than a header and an FCS.
    case tooShort
    /// The header names another protocol or message type (lifetick, flow control …); ignored by design.
    case foreignHeader(protocolID: UInt8, messageType: UInt8)
    /// The header's length field disagrees with the bytes between BOF and EOF.
    case lengthMismatch(declared: Int, actual: Int)
    /// Bytes outside any frame (line noise, a partial frame at start-up, a mis-set port).
    case strayBytes(Int)

    public var description: String {
        switch self {
        case .badFCS: "frame FCS mismatch (line noise or wrong baud rate; check 115200 8N1 and the cable)"
        case .oversize: "frame longer than the MIB limit of \(IntelliVueFraming.maximumUnescapedFrameLength) bytes"
        case .truncated: "frame cut short by a new BOF"
        case .aborted: "frame aborted by the sender"
        case .tooShort: "frame shorter than header and FCS"
        case .foreignHeader(let p, let t): "frame for protocol 0x\(hex(p)) type 0x\(hex(t)) ignored"
        case .lengthMismatch(let d, let a): "frame header declares \(d) bytes but carries \(a)"
        case .strayBytes(let n): "\(n) stray bytes outside frames"
        }
    }

    /// The counter it is counted under (the standard ``DriverCounter`` names where one fits).
    public var counterName: String {
        switch self {
        case .badFCS: "frames.checksum-error"
        case .oversize: "frames.length-error"
        case .truncated: "frames.truncated"
        case .aborted: "frames.aborted"
        case .tooShort: "frames.length-error"
        case .foreignHeader: "frames.foreign-header"
        case .lengthMismatch: "frames.length-error"
        case .strayBytes: "bytes.discarded"
        }
    }
}

/// Incremental MIB/RS232 deframer: finds `c0 … c1` frames in a byte stream, removes the
/// transparency escapes, and checks the FCS, header and length before anything is decoded.
///
/// Feed it whatever the port delivered and pull events until it returns `nil`:
/// ```swift
/// var index = 0
/// while let event = decoder.next(in: bytes, from: &index) {
///     if case .frame = event { decoder.withMessage { handle($0) } }
/// }
/// ```
/// The message of the last `.frame` event stays readable until the next call to `next`. The
/// decoder keeps one fixed buffer and never allocates per byte or per frame.
public struct IntelliVueFrameDecoder: Sendable {
    /// What one call to ``next(in:from:)`` found.
    public enum Event: Hashable, Sendable {
        /// A complete, valid frame; read its user data with ``withMessage(_:)``.
        case frame
        /// Bytes were dropped, for the reason given.
        case dropped(IntelliVueFrameError)
    }

    private enum State: Sendable {
        case hunting
        case inFrame
        case escaped
        /// Oversize frame: skip until the next BOF/EOF.
        case discarding
    }

    private var state: State = .hunting
    private var buffer: [UInt8] = []
    private var length = 0
    private var crc = IntelliVueFCS.initial
    private var strayCount = 0
    private var messageRange = 0..<0

    public init() {}

    /// Scans `bytes` from `index` and returns the next event, advancing `index` past the bytes it
    /// consumed; `nil` when the input is used up (a partial frame is kept for the next call).
    public mutating func next(in bytes: UnsafeRawBufferPointer, from index: inout Int) -> Event? {
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: IntelliVueFraming.maximumUnescapedFrameLength) }
        var i = index
        let end = bytes.count
        var st = state, len = length, crc = self.crc, stray = strayCount
        var result: Event?
        // The CRC table is read through a pointer taken once per call: reaching a global `let`
        // per byte costs a lazy-initialisation check and a bounds check each time.
        IntelliVueFCS.table.withUnsafeBufferPointer { table in
        IntelliVueFCS.slices.withUnsafeBufferPointer { slices in
        buffer.withUnsafeMutableBufferPointer { buf in
            scan: while i < end {
                let b = bytes[i]
                i += 1
                switch st {
                case .hunting:
                    if b == IntelliVueFraming.beginOfFrame {
                        st = .inFrame; len = 0; crc = IntelliVueFCS.initial
                        if stray > 0 { result = .dropped(.strayBytes(stray)); stray = 0; break scan }
                    } else {
                        stray += 1
                    }
                case .discarding:
                    if b == IntelliVueFraming.beginOfFrame {
                        st = .inFrame; len = 0; crc = IntelliVueFCS.initial
                    } else if b == IntelliVueFraming.endOfFrame {
                        st = .hunting
                    }
                case .inFrame, .escaped:
                    if b == IntelliVueFraming.beginOfFrame {
                        let wasEmpty = len == 0 && st == .inFrame
                        st = .inFrame; len = 0; crc = IntelliVueFCS.initial
                        if !wasEmpty { result = .dropped(.truncated); break scan }
                        continue scan
                    }
                    if b == IntelliVueFraming.endOfFrame {
                        let aborted = st == .escaped
                        st = .hunting
                        if aborted { result = .dropped(.aborted); break scan }
                        result = Self.validate(buf, length: len, crc: crc)
                        break scan
                    }
                    if st == .inFrame && b == IntelliVueFraming.escape { st = .escaped; continue scan }
                    if st == .inFrame, len < buf.count {
                        // A run of ordinary bytes (most of a frame): copied and checksummed without
                        // going through the state machine per byte. The run stops before a BOF,
                        // EOF or escape, and before the buffer is full (the next byte then reports
                        // the oversize frame as before).
                        buf[len] = b
                        len += 1
                        crc = (crc >> 8) ^ table[Int(UInt8(truncatingIfNeeded: crc) ^ b)]
                        let runEnd = min(end, i + (buf.count - len))
                        let (copied, runCRC) = Self.copyRun(bytes, from: i, to: runEnd, into: buf.baseAddress! + len, crc: crc,
                                                            slices: slices)
                        len += copied
                        i += copied
                        crc = runCRC
                        continue scan
                    }
                    let v = st == .escaped ? b ^ IntelliVueFraming.escapeXor : b
                    st = .inFrame
                    if len == buf.count {
                        st = .discarding
                        result = .dropped(.oversize)
                        break scan
                    }
                    buf[len] = v
                    len += 1
                    crc = (crc >> 8) ^ table[Int(UInt8(truncatingIfNeeded: crc) ^ v)]
                }
            }
        }
        }
        }
        if result == nil, stray > 0 {
            result = .dropped(.strayBytes(stray))
            stray = 0
        }
        if result == .frame { messageRange = IntelliVueFraming.headerLength..<(len - 2) }
        state = st; length = len; self.crc = crc; strayCount = stray
        index = i
        return result
    }

    /// Copies the ordinary bytes of `bytes[start..<end]` to `out` until a BOF, EOF or escape,
    /// folding them into the FCS as it goes; returns how many it copied and the new FCS register.
    /// One pass, eight bytes a step: finding the run, copying it and checksumming it separately
    /// read every byte three times.
    @inline(__always)
    private static func copyRun(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                into out: UnsafeMutablePointer<UInt8>, crc: UInt16,
                                slices t: UnsafeBufferPointer<UInt16>) -> (Int, UInt16) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let bof = ones &* UInt64(IntelliVueFraming.beginOfFrame), eof = ones &* UInt64(IntelliVueFraming.endOfFrame)
        let esc = ones &* UInt64(IntelliVueFraming.escape)
        var crc = crc
        var i = start
        // Sixteen bytes a step while no special byte is among them, then eight.
        while i &+ 16 <= end {
            let lo = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let hi = bytes.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
            if hasZeroByte(lo ^ bof) | hasZeroByte(lo ^ eof) | hasZeroByte(lo ^ esc)
                | hasZeroByte(hi ^ bof) | hasZeroByte(hi ^ eof) | hasZeroByte(hi ^ esc) != 0 { break }
            UnsafeMutableRawPointer(out + (i &- start)).storeBytes(of: lo, as: UInt64.self)
            UnsafeMutableRawPointer(out + (i &- start &+ 8)).storeBytes(of: hi, as: UInt64.self)
            crc = IntelliVueFCS.step16(crc, UInt64(littleEndian: lo), UInt64(littleEndian: hi), slices: t)
            i &+= 16
        }
        while i &+ 8 <= end {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if hasZeroByte(w ^ bof) | hasZeroByte(w ^ eof) | hasZeroByte(w ^ esc) != 0 { break }
            UnsafeMutableRawPointer(out + (i &- start)).storeBytes(of: w, as: UInt64.self)
            crc = IntelliVueFCS.step8(crc, UInt64(littleEndian: w), slices: t)
            i &+= 8
        }
        while i < end {
            let b = bytes[i]
            if b == IntelliVueFraming.beginOfFrame || b == IntelliVueFraming.endOfFrame || b == IntelliVueFraming.escape { break }
            out[i &- start] = b
            crc = (crc >> 8) ^ t[Int(UInt8(truncatingIfNeeded: crc) ^ b)]
            i &+= 1
        }
        return (i &- start, crc)
    }

    /// Nonzero when some byte of `v` is zero (exact for the lowest zero byte; used only as a test).
    @inline(__always)
    private static func hasZeroByte(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    private static func validate(_ buf: UnsafeMutableBufferPointer<UInt8>, length len: Int, crc: UInt16) -> Event {
        guard len >= IntelliVueFraming.headerLength + 2 else { return .dropped(.tooShort) }
        guard crc == IntelliVueFCS.goodResidue else { return .dropped(.badFCS) }
        guard buf[0] == IntelliVueFraming.protocolID, buf[1] == IntelliVueFraming.messageType else {
            return .dropped(.foreignHeader(protocolID: buf[0], messageType: buf[1]))
        }
        let declared = Int(buf[2]) << 8 | Int(buf[3])
        let actual = len - IntelliVueFraming.headerLength - 2
        guard declared <= IntelliVueFraming.maximumUserDataLength else { return .dropped(.oversize) }
        guard declared == actual else { return .dropped(.lengthMismatch(declared: declared, actual: actual)) }
        return .frame
    }

    /// Calls `body` with the user data (one association or data-export message) of the frame the
    /// last `.frame` event announced.
    public func withMessage<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[messageRange])) }
    }

    /// A copy of the last frame's user data (for tests and tools; the driver uses ``withMessage(_:)``).
    public var message: [UInt8] { Array(buffer[messageRange]) }

    /// Whether bytes of an unfinished frame are held.
    public var hasPartialFrame: Bool { state != .hunting }

    /// Forgets any partial frame (after a port reopen).
    public mutating func reset() {
        state = .hunting; length = 0; crc = IntelliVueFCS.initial; strayCount = 0; messageRange = 0..<0
    }
}
