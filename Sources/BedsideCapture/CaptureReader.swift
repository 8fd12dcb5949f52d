import BedsideModel
import Glibc

/// Reads a `.bbcap` file, streaming (``next()``, ``forEachChunk(_:)``) or whole (``readAll(path:)``).
///
/// Every record is checked against its CRC-32 before it is handed out; a damaged record is never
/// returned. After a record that does not check (bad CRC, implausible length, a file that ends
/// inside it) the reader resynchronizes: it scans forward for the next position where a record
/// with a valid CRC parses, followed by another valid record or the end of the file, and goes on
/// from there. Each skipped byte range is reported once in ``warnings``, as damaged or cut short.
/// Memory is one buffer (1 MiB, larger only while one larger record is read); the file may still
/// be growing (a recording in progress), the reader sees what was written when it got there.
public final class CaptureReader: CaptureChunkSource {
    /// The input's name: the path, or `stdin`.
    public let path: String
    public private(set) var header: CaptureHeader
    /// Byte ranges skipped so far, in file order.
    public private(set) var warnings: [CaptureWarning] = []
    /// File offset just past the last valid record read so far (where an appender continues).
    public private(set) var validEndOffset: Int64

    let input: CaptureInput
    private var finished = false
    private var resync = CaptureResync()

    /// Opens `path` (`-` is standard input) and reads its header.
    ///
    /// - Throws: ``CaptureError/notFound(path:)``, ``CaptureError/notACapture(path:)``,
    ///   ``CaptureError/corruptHeader(path:reason:)``, ``CaptureError/unsupportedVersion(path:found:supported:)``.
    public convenience init(path: String, bufferSize: Int = CaptureInput.defaultBufferSize) throws(CaptureError) {
        try self.init(input: try CaptureInput(path: path, bufferSize: bufferSize))
    }

    /// Reads the header from `input` (at its start; the sniffer may have peeked, not consumed).
    public init(input: CaptureInput) throws(CaptureError) {
        self.input = input
        self.path = input.name
        self.header = CaptureHeader(driver: nil, serialSettings: nil, port: nil, startTime: Timestamp(nanosecondsSinceEpoch: 0))
        self.validEndOffset = 0
        var needed = CaptureFileFormat.preambleSize
        let path = input.name
        while true {
            try input.fill(atLeast: needed)
            let parsed = try input.withAvailableBytes { raw in
                Result { () throws(CaptureError) in try CaptureFileFormat.parseHeader(raw, path: path) }
            }.get()
            switch parsed {
            case .header(let h, let size):
                header = h
                input.consume(size)
                validEndOffset = input.offset
                return
            case .needMore(let n):
                if input.atEnd || n <= input.available {
                    throw input.available < CaptureFileFormat.preambleSize
                        ? CaptureError.notACapture(path: path)
                        : CaptureError.corruptHeader(path: path, reason: "file ends inside the header")
                }
                needed = n
            }
        }
    }

    /// The next chunk, or `nil` at the end (check ``warnings`` then).
    public func next() throws(CaptureError) -> CaptureChunk? {
        guard let (kind, time, payload) = try nextRecord() else { return nil }
        return CaptureChunk(time: time, direction: kind.direction, bytes: Array(input.buffer[payload]))
    }

    /// Calls `body` for every remaining chunk without copying its bytes (the buffer is only valid
    /// during the call). The fast path for replay.
    public func forEachChunk(
        _ body: (CaptureChunk.Direction, Timestamp, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        while let (kind, time, payload) = try nextRecord() {
            try input.buffer.withUnsafeBytes { raw in
                try body(kind.direction, time, UnsafeRawBufferPointer(rebasing: raw[payload]))
            }
        }
    }

    /// Reads the whole file into memory (for tests and small files; replay streams instead).
    public static func readAll(path: String) throws(CaptureError) -> CaptureReadResult {
        let reader = try CaptureReader(path: path)
        var chunks: [CaptureChunk] = []
        while let c = try reader.next() { chunks.append(c) }
        return CaptureReadResult(capture: Capture(header: reader.header, chunks: chunks), warnings: reader.warnings)
    }

    /// Whether a tx record appears among the records that fit in the first `limit` bytes after
    /// the header, without consuming anything: for an input that cannot be read twice (a pipe).
    /// `nil` when the window ends before the input does and holds no tx record.
    public func transmitRecordInLookahead(limit: Int = 4 << 20) throws(CaptureError) -> Bool? {
        try input.fill(atLeast: limit)
        return input.withAvailableBytes { raw in
            var at = 0
            while true {
                switch CaptureFileFormat.parseRecord(raw, at: at) {
                case .record(let kind, _, _, let size):
                    if kind == CaptureFileFormat.RecordKind.tx.rawValue { return true }
                    at += size
                case .needMore, .invalid:
                    // Damage or the window's edge: only an input seen to its end says "none".
                    return input.atEnd && raw.count - at == 0 ? false : nil
                }
            }
        }
    }

    private func nextRecord() throws(CaptureError) -> (CaptureFileFormat.RecordKind, Timestamp, Range<Int>)? {
        while !finished {
            let parsed = input.withAvailableBytes { CaptureFileFormat.parseRecord($0, at: 0) }
            switch parsed {
            case .record(let kindByte, let time, let payload, let size):
                let recordOffset = input.offset
                let range = input.bufferRange(payload)
                input.consume(size)
                validEndOffset = input.offset
                if let kind = CaptureFileFormat.RecordKind(rawValue: kindByte) {
                    return (kind, time, range)
                }
                guard kindByte >= CaptureFileFormat.RecordKind.firstOptional else {
                    finished = true
                    throw .unsupportedRecordKind(path: path, kind: kindByte, offset: recordOffset)
                }
            case .needMore(let n):
                if !input.atEnd {
                    input.shrinkIfIdle()
                    try input.fill(atLeast: n)
                } else if input.available == 0 {
                    finished = true
                } else {
                    try skipDamage(reason: "the file ends inside a record", incomplete: true)
                }
            case .invalid(let reason):
                try skipDamage(reason: reason, incomplete: false)
            }
        }
        return nil
    }

    /// Skips from the bad record at the read position to the next confirmed record, or to the end.
    private func skipDamage(reason: String, incomplete: Bool) throws(CaptureError) {
        let warning = try resync.skip(input, reason: reason, startsIncomplete: incomplete)
        warnings.append(warning)
        if input.isExhausted { finished = true }
    }
}

/// A whole capture and what the reader skipped while reading it.
public struct CaptureReadResult: Sendable {
    public var capture: Capture
    public var warnings: [CaptureWarning]
}
