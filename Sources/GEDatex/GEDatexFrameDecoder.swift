import BedsideDriver

/// Splits a GE DRI byte stream into validated records.
///
/// Every `0x7E` is a delimiter: the bytes between two delimiters are a candidate frame (an empty
/// one, `7E 7E`, is skipped), so a torn or desynchronised frame never swallows the next one. Escaped
/// bytes (`7D xx`) are restored as `xx ^ 0x20`. A candidate is accepted only when all hold:
/// unstuffed length ≥ 41, the last byte equals the 8-bit sum of the others, `r_len` equals the
/// unstuffed length − 1, and `r_maintype` is a known type. Anything else is counted and dropped.
///
/// Pull-style use, so the caller can decode each record in place:
/// ```swift
/// var index = 0
/// while let outcome = framer.next(in: bytes, from: &index) {
///     if outcome == .frame { framer.withRecord { record in … } }
/// }
/// ```
public struct GEDatexFrameDecoder: Sendable {
    /// What happened at a delimiter (or when a frame grew too long).
    public enum Outcome: String, Sendable, CaseIterable {
        /// A valid record is available through ``withRecord(_:)`` until the next call to ``next(in:from:)``.
        case frame
        /// Shorter than a header plus checksum, or `r_len` disagrees with the frame length.
        case lengthError
        /// The 8-bit sum does not match.
        case checksumError
        /// Valid framing but an `r_maintype` this protocol does not define.
        case unknownMainType
        /// More bytes than ``maximumFrameLength`` without a delimiter; discarded until the next `0x7E`.
        case oversize
    }

    /// Running totals since creation.
    public struct Counters: Hashable, Sendable {
        public var frames = 0
        public var lengthErrors = 0
        public var checksumErrors = 0
        public var unknownMainTypes = 0
        public var oversizeFrames = 0
        /// Raw bytes that did not belong to an accepted frame (garbage before a delimiter, rejected frames).
        public var bytesDiscarded = 0
        public init() {}
    }

    private enum State: Sendable {
        /// Before the first delimiter, or after an oversize frame: discard until `0x7E`.
        case hunting
        /// Between delimiters.
        case inFrame
        /// Just read `0x7D`.
        case escaped
    }

    /// Largest unstuffed frame accepted (`r_len` is an `Int16`, so 32 768 covers every legal record).
    public let maximumFrameLength: Int
    public private(set) var counters = Counters()
    private var state = State.hunting
    /// The unstuffed frame in progress in its first ``length`` bytes; grown (never shrunk) as
    /// frames need, so runs are copied in place rather than appended.
    private var buffer = [UInt8](repeating: 0, count: 2048)
    private var length = 0
    /// 8-bit sum of the frame's bytes so far: the checksum is added up as the bytes arrive.
    private var sum: UInt8 = 0
    /// Raw (stuffed) bytes consumed for the frame in progress, for the discard counter.
    private var rawCount = 0
    private var recordReady = false

    public init(maximumFrameLength: Int = 32_768) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// Consumes bytes from `index` until a frame ends (returns its outcome) or the bytes run out
    /// (returns `nil`, keeping any partial frame for the next call).
    public mutating func next(in bytes: UnsafeRawBufferPointer, from index: inout Int) -> Outcome? {
        if recordReady {
            recordReady = false
            clearFrame()
        }
        let end = bytes.count
        var i = index
        defer { index = i }
        while i < end {
            switch state {
            case .hunting:
                let start = i
                i = ByteScan.firstIndex(of: GEDatexWire.flag, GEDatexWire.flag, in: bytes, from: i, to: end)
                counters.bytesDiscarded += i - start
                if i < end {
                    i += 1
                    beginFrame()
                }
            case .escaped:
                let b = bytes[i]
                i += 1
                rawCount += 1
                if b == GEDatexWire.flag {
                    // `7D 7E`: the frame was aborted; judge what we have, the flag opens the next one.
                    let outcome = finishFrame()
                    beginFrame()
                    if let outcome { return outcome }
                } else {
                    appendByte(b ^ GEDatexWire.escapeMask)
                    state = .inFrame
                    if length > maximumFrameLength { return overflow() }
                }
            case .inFrame:
                // Copy the run up to the next special byte in one go.
                let start = i
                i = ByteScan.firstIndex(of: GEDatexWire.flag, GEDatexWire.escape, in: bytes, from: i, to: end)
                if i > start {
                    let room = maximumFrameLength + 1 - length
                    let take = min(i - start, room)
                    appendRun(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + take)]))
                    rawCount += i - start
                    if take < i - start || length > maximumFrameLength {
                        counters.bytesDiscarded += (i - start) - take
                        return overflow()
                    }
                }
                guard i < end else { break }
                let b = bytes[i]
                i += 1
                if b == GEDatexWire.escape {
                    rawCount += 1
                    state = .escaped
                } else {
                    let outcome = finishFrame()
                    beginFrame()
                    if let outcome { return outcome }
                }
            }
        }
        return nil
    }

    /// Gives the last accepted record (header + data, without the checksum byte).
    /// Only meaningful right after ``next(in:from:)`` returned ``Outcome/frame``.
    public func withRecord<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[0..<(recordReady ? length - 1 : 0)]))
        }
    }

    /// The last accepted frame, unstuffed: record bytes followed by the checksum byte (a copy; the
    /// driver reads it through ``frame``).
    public var frameBytes: [UInt8] { recordReady ? Array(buffer[0..<length]) : [] }

    /// The last accepted frame as the decoder holds it: the array's first `count` bytes are the
    /// record and the checksum byte. Holding the array beyond the next call to
    /// ``next(in:from:)`` makes the decoder copy its buffer.
    public var frame: (bytes: [UInt8], count: Int) { recordReady ? (buffer, length) : ([], 0) }

    /// Drops any partial frame and waits for the next delimiter (e.g. after the port was reopened).
    public mutating func reset() {
        counters.bytesDiscarded += rawCount
        clearFrame()
        rawCount = 0
        recordReady = false
        state = .hunting
    }

    private mutating func beginFrame() {
        if !recordReady { clearFrame() }
        rawCount = 0
        state = .inFrame
    }

    private mutating func clearFrame() {
        length = 0
        sum = 0
    }

    /// Makes room for `n` more bytes in the buffer.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if length + n > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(length + n, 2 * buffer.count) - buffer.count))
        }
    }

    private mutating func appendByte(_ b: UInt8) {
        reserve(1)
        buffer[length] = b
        length += 1
        sum &+= b
    }

    /// Copies a run of plain bytes into the frame and adds them to the running sum.
    private mutating func appendRun(_ run: UnsafeRawBufferPointer) {
        guard let source = run.baseAddress, run.count > 0 else { return }
        reserve(run.count)
        let at = length
        buffer.withUnsafeMutableBytes { UnsafeMutableRawPointer($0.baseAddress! + at).copyMemory(from: source, byteCount: run.count) }
        length += run.count
        sum &+= ByteScan.byteSum(run)
    }

    private mutating func overflow() -> Outcome {
        counters.oversizeFrames += 1
        counters.bytesDiscarded += rawCount
        clearFrame()
        rawCount = 0
        state = .hunting
        return .oversize
    }

    /// Validates the bytes between two delimiters; `nil` for an empty frame.
    private mutating func finishFrame() -> Outcome? {
        let n = length
        if n == 0 && rawCount == 0 { return nil }
        // The running sum covers every byte; the record's sum is that less the checksum byte.
        let recordSum = n > 0 ? sum &- buffer[n - 1] : 0
        let outcome = buffer.withUnsafeBytes { Self.validate(UnsafeRawBufferPointer(rebasing: $0[0..<n]), recordSum: recordSum) }
        switch outcome {
        case .frame:
            counters.frames += 1
            recordReady = true
        case .lengthError: counters.lengthErrors += 1
        case .checksumError: counters.checksumErrors += 1
        case .unknownMainType: counters.unknownMainTypes += 1
        case .oversize: counters.oversizeFrames += 1
        }
        if outcome != .frame {
            counters.bytesDiscarded += rawCount
            clearFrame()
        }
        return outcome
    }

    /// Checks one unstuffed frame (record bytes followed by the checksum byte).
    public static func validate(_ frame: [UInt8]) -> Outcome {
        frame.withUnsafeBytes { validate($0) }
    }

    /// Checks one unstuffed frame (record bytes followed by the checksum byte).
    public static func validate(_ frame: UnsafeRawBufferPointer) -> Outcome {
        let n = frame.count
        guard n >= GEDatexWire.minimumFrameLength else { return .lengthError }
        return validate(frame, recordSum: checksum(UnsafeRawBufferPointer(rebasing: frame[0..<(n - 1)])))
    }

    /// The same, with the 8-bit sum of the record bytes already known.
    static func validate(_ frame: UnsafeRawBufferPointer, recordSum: UInt8) -> Outcome {
        let n = frame.count
        guard n >= GEDatexWire.minimumFrameLength else { return .lengthError }
        guard recordSum == frame[n - 1] else { return .checksumError }
        guard Int(frame.geInt16(0)) == n - 1 else { return .lengthError }
        guard GEDatexMainType(rawValue: frame.geInt16(14)) != nil else { return .unknownMainType }
        return .frame
    }

    /// The DRI checksum: 8-bit sum of the unstuffed record bytes.
    public static func checksum(_ record: UnsafeRawBufferPointer) -> UInt8 {
        ByteScan.byteSum(record)
    }
}
