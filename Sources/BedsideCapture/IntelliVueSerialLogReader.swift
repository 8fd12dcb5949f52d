import BedsideModel

/// Streams an IntelliVue serial log (see ``IntelliVueSerialLog``) as rx chunks, one per frame,
/// through one bounded buffer.
///
/// An entry is a valid stamp, `0xC0`, escaped bytes without `0xC0`/`0xC1`, `0xC1`. An entry that
/// is not (a flipped bit, bytes the logger lost, a log cut while writing) is skipped up to the
/// next valid stamp followed by `0xC0`, and the skipped range is reported in ``warnings``: every
/// intact frame is read. A structurally complete frame whose FCS does not check is skipped and
/// reported the same way (unless `checkFrames` is off), so a replay knows it lost it; content is
/// left to the driver.
public final class IntelliVueSerialLogReader: CaptureChunkSource {
    public let header: CaptureHeader
    public private(set) var warnings: [CaptureWarning] = []
    /// Frames handed out so far.
    public private(set) var frames = 0

    private let input: CaptureInput
    private let checkFrames: Bool
    private var pending: CaptureChunk?

    private enum Entry {
        case frame(Timestamp, size: Int)
        case needMore
        /// Not a valid entry; `incomplete` when it is only cut off by the end of the input.
        case invalid(IntelliVueSerialLog.ImportError, incomplete: Bool)
    }

    /// Reads up to the first frame (its stamp is the capture's start time).
    ///
    /// - Parameters:
    ///   - source: the name kept as the capture's port (default: the input's name).
    ///   - checkFrames: skip and report frames whose FCS does not check (default); off, they are
    ///     handed out for the driver to reject.
    /// - Throws: ``IntelliVueSerialLog/ImportError`` when the input holds no frame at all (the
    ///   first problem met), or ``CaptureError`` when reading fails.
    public init(input: CaptureInput, source: String? = nil, checkFrames: Bool = true) throws {
        self.input = input
        self.checkFrames = checkFrames
        var warnings: [CaptureWarning] = []
        var firstProblem: IntelliVueSerialLog.ImportError?
        let first = try Self.nextFrame(input, checkFrames: checkFrames, warnings: &warnings, firstProblem: &firstProblem)
        guard let first else { throw firstProblem ?? IntelliVueSerialLog.ImportError.empty }
        self.pending = first
        self.warnings = warnings
        self.header = IntelliVueSerialLog.header(source: source ?? input.name, startTime: first.time)
    }

    /// Opens the log at `path` (`-` is standard input).
    public convenience init(path: String) throws {
        try self.init(input: CaptureInput(path: path))
    }

    public func next() throws(CaptureError) -> CaptureChunk? {
        if let chunk = pending {
            pending = nil
            frames += 1
            return chunk
        }
        var problem: IntelliVueSerialLog.ImportError?
        guard let chunk = try Self.nextFrame(input, checkFrames: checkFrames, warnings: &warnings, firstProblem: &problem) else { return nil }
        frames += 1
        return chunk
    }

    /// The next intact frame, skipping (and reporting) what is not.
    private static func nextFrame(_ input: CaptureInput, checkFrames: Bool, warnings: inout [CaptureWarning],
                                  firstProblem: inout IntelliVueSerialLog.ImportError?) throws(CaptureError) -> CaptureChunk? {
        while true {
            if input.isExhausted { return nil }
            switch entry(input, checkFrames: checkFrames) {
            case .frame(let time, let size):
                let frameStart = IntelliVueSerialLog.stampLength
                let bytes = Array(input.buffer[input.bufferRange(frameStart..<size)])
                input.consume(size)
                return CaptureChunk(time: time, direction: .rx, bytes: bytes)
            case .needMore:
                guard try input.fillMore() else { continue }
            case .invalid(let problem, let incomplete):
                if firstProblem == nil { firstProblem = problem }
                warnings.append(try skipToNextEntry(input, reason: problem, incomplete: incomplete))
            }
        }
    }

    /// Classifies the entry at the read position from the bytes buffered so far.
    private static func entry(_ input: CaptureInput, checkFrames: Bool) -> Entry {
        let stampLength = IntelliVueSerialLog.stampLength
        let base = Int(input.offset)
        return input.withAvailableBytes { raw in
            guard raw.count > stampLength else {
                return input.atEnd ? .invalid(.unterminatedFrame(offset: base + stampLength), incomplete: true) : .needMore
            }
            guard let time = IntelliVueSerialLog.parseStamp(raw, at: 0) else { return .invalid(.badTimestamp(offset: base), incomplete: false) }
            guard raw[stampLength] == 0xc0 else { return .invalid(.missingFrameStart(offset: base), incomplete: false) }
            let limit = stampLength + IntelliVueSerialLog.maximumFrameLength
            var i = stampLength + 1
            while i < raw.count && i < limit {
                switch raw[i] {
                case 0xc1:
                    let frame = UnsafeRawBufferPointer(rebasing: raw[stampLength...i])
                    if checkFrames && !LoggedFrameCheck.isIntact(frame) {
                        return .invalid(.badFrameCheckSequence(offset: base + stampLength), incomplete: false)
                    }
                    return .frame(time, size: i + 1)
                case 0xc0: return .invalid(.interruptedFrame(offset: base + stampLength), incomplete: false)
                default: i += 1
                }
            }
            if i >= limit { return .invalid(.oversizeFrame(offset: base + stampLength), incomplete: false) }
            return input.atEnd ? .invalid(.unterminatedFrame(offset: base + stampLength), incomplete: true) : .needMore
        }
    }

    /// Consumes from the bad entry at the read position to the next valid stamp followed by
    /// `0xC0` (left unconsumed) or to the end, and describes the skipped bytes.
    private static func skipToNextEntry(_ input: CaptureInput, reason: IntelliVueSerialLog.ImportError,
                                        incomplete: Bool) throws(CaptureError) -> CaptureWarning {
        let start = input.offset
        let stampLength = IntelliVueSerialLog.stampLength
        if input.available > 0 { input.consume(1) }
        while true {
            // Look for 0xC0 with a valid stamp right before it.
            let found: Int? = input.withAvailableBytes { raw in
                var q = stampLength
                while q < raw.count {
                    if raw[q] == 0xc0, IntelliVueSerialLog.parseStamp(raw, at: q - stampLength) != nil { return q - stampLength }
                    q += 1
                }
                return nil
            }
            if let found {
                input.consume(found)
                break
            }
            // Keep the last bytes: a stamp may straddle the buffer's edge.
            let keep = min(input.available, stampLength)
            input.consume(input.available - keep)
            if input.atEnd {
                input.consume(input.available)
                break
            }
            _ = try input.fillMore()
        }
        let skipped = input.offset - start
        // Nothing valid after an entry the end of the file cut off: the log was cut short.
        let cutShort = incomplete && input.isExhausted
        return CaptureWarning(path: input.name, offset: start, bytes: skipped, cause: cutShort ? .cutShort : .damaged,
                              reason: reason.shortReason)
    }
}
