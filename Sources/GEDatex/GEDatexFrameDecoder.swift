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
    private var buffer: [UInt8] = []
    /// Raw (stuffed) bytes consumed for the frame in progress, for the discard counter.
    private var rawCount = 0
    private var recordReady = false

    public init(maximumFrameLength: Int = 32_768) {
        self.maximumFrameLength = maximumFrameLength
        buffer.reserveCapacity(2048)
    }

    /// Consumes bytes from `index` until a frame ends (returns its outcome) or the bytes run out
    /// (returns `nil`, keeping any partial frame for the next call).
    public mutating func next(in bytes: UnsafeRawBufferPointer, from index: inout Int) -> Outcome? {
        if recordReady {
            recordReady = false
            buffer.removeAll(keepingCapacity: true)
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
                    buffer.append(b ^ GEDatexWire.escapeMask)
                    state = .inFrame
                    if buffer.count > maximumFrameLength { return overflow() }
                }
            case .inFrame:
                // Copy the run up to the next special byte in one go.
                let start = i
                i = ByteScan.firstIndex(of: GEDatexWire.flag, GEDatexWire.escape, in: bytes, from: i, to: end)
                if i > start {
                    let room = maximumFrameLength + 1 - buffer.count
                    let take = min(i - start, room)
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + take)]))
                    rawCount += i - start
                    if take < i - start || buffer.count > maximumFrameLength {
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
            try body(UnsafeRawBufferPointer(rebasing: all[0..<(recordReady ? all.count - 1 : 0)]))
        }
    }

    /// The last accepted frame, unstuffed: record bytes followed by the checksum byte. Holding the
    /// array beyond the next call to ``next(in:from:)`` makes the decoder copy its buffer.
    public var frameBytes: [UInt8] { recordReady ? buffer : [] }

    /// Drops any partial frame and waits for the next delimiter (e.g. after the port was reopened).
    public mutating func reset() {
        counters.bytesDiscarded += rawCount
        buffer.removeAll(keepingCapacity: true)
        rawCount = 0
        recordReady = false
        state = .hunting
    }

    private mutating func beginFrame() {
        if !recordReady { buffer.removeAll(keepingCapacity: true) }
        rawCount = 0
        state = .inFrame
    }

    private mutating func overflow() -> Outcome {
        counters.oversizeFrames += 1
        counters.bytesDiscarded += rawCount
        buffer.removeAll(keepingCapacity: true)
        rawCount = 0
        state = .hunting
        return .oversize
    }

    /// Validates the bytes between two delimiters; `nil` for an empty frame.
    private mutating func finishFrame() -> Outcome? {
        let n = buffer.count
        if n == 0 && rawCount == 0 { return nil }
        let outcome = Self.validate(buffer)
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
            buffer.removeAll(keepingCapacity: true)
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
        guard checksum(UnsafeRawBufferPointer(rebasing: frame[0..<(n - 1)])) == frame[n - 1] else { return .checksumError }
        guard Int(frame.geInt16(0)) == n - 1 else { return .lengthError }
        guard GEDatexMainType(rawValue: frame.geInt16(14)) != nil else { return .unknownMainType }
        return .frame
    }

    /// The DRI checksum: 8-bit sum of the unstuffed record bytes.
    public static func checksum(_ record: UnsafeRawBufferPointer) -> UInt8 {
        ByteScan.byteSum(record)
    }
}
