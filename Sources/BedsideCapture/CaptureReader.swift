import BedsideModel
import Glibc

/// Reads a `.bbcap` file, streaming (``next()``, ``forEachChunk(_:)``) or whole (``readAll(path:)``).
///
/// Every record is checked against its CRC-32 before it is handed out. A file that ends inside a
/// record, or in bytes that are not a valid record (a recording cut short by a crash or power
/// loss), yields every record before that point and then ends with a ``CaptureWarning`` in
/// ``warnings``: a damaged record is never returned. The file may still be growing (a recording
/// in progress); the reader sees what was written when it got there.
public final class CaptureReader {
    public let path: String
    public private(set) var header: CaptureHeader
    /// What was tolerated so far (at most one unreadable tail).
    public private(set) var warnings: [CaptureWarning] = []
    /// File offset just past the last valid record read so far (where an appender continues).
    public private(set) var validEndOffset: Int64

    private let fd: CInt
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var finished = false

    /// Opens `path` and reads its header.
    ///
    /// - Throws: ``CaptureError/notFound(path:)``, ``CaptureError/notACapture(path:)``,
    ///   ``CaptureError/corruptHeader(path:reason:)``, ``CaptureError/unsupportedVersion(path:found:supported:)``.
    public init(path: String, bufferSize: Int = 1 << 20) throws(CaptureError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path: path) : .io(operation: "open", path: path, errno: code)
        }
        self.path = path
        self.fd = fd
        self.buffer = [UInt8](repeating: 0, count: max(bufferSize, 4096))
        self.header = CaptureHeader(driver: nil, serialSettings: nil, port: nil, startTime: Timestamp(nanosecondsSinceEpoch: 0))
        self.validEndOffset = 0
        do throws(CaptureError) {
            var needed = CaptureFileFormat.preambleSize
            while true {
                try fill(atLeast: needed)
                let (from, to) = (start, end)
                let parsed = try buffer.withUnsafeBytes { raw in
                    Result { () throws(CaptureError) in
                        try CaptureFileFormat.parseHeader(UnsafeRawBufferPointer(rebasing: raw[from..<to]), path: path)
                    }
                }.get()
                switch parsed {
                case .header(let h, let size):
                    self.header = h
                    start += size
                    validEndOffset = Int64(size)
                    return
                case .needMore(let n):
                    if atEndOfFile || n <= end - start {
                        throw end - start < CaptureFileFormat.preambleSize
                            ? CaptureError.notACapture(path: path)
                            : CaptureError.corruptHeader(path: path, reason: "file ends inside the header")
                    }
                    needed = n
                }
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { Glibc.close(fd) }

    /// The next chunk, or `nil` at the end (check ``warnings`` then).
    public func next() throws(CaptureError) -> CaptureChunk? {
        guard let (kind, time, payload) = try nextRecord() else { return nil }
        let bytes = Array(buffer[payload])
        return CaptureChunk(time: time, direction: kind.direction, bytes: bytes)
    }

    /// Calls `body` for every remaining chunk without copying its bytes (the buffer is only valid
    /// during the call). The fast path for replay.
    public func forEachChunk(
        _ body: (CaptureChunk.Direction, Timestamp, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        while let (kind, time, payload) = try nextRecord() {
            try buffer.withUnsafeBytes { raw in
                try body(kind.direction, time, UnsafeRawBufferPointer(rebasing: raw[payload]))
            }
        }
    }

    /// Reads the whole file.
    public static func readAll(path: String) throws(CaptureError) -> CaptureReadResult {
        let reader = try CaptureReader(path: path)
        var chunks: [CaptureChunk] = []
        while let c = try reader.next() { chunks.append(c) }
        return CaptureReadResult(capture: Capture(header: reader.header, chunks: chunks), warnings: reader.warnings)
    }

    private func nextRecord() throws(CaptureError)
        -> (CaptureFileFormat.RecordKind, Timestamp, Range<Int>)?
    {
        while !finished {
            let parsed = buffer.withUnsafeBytes { raw in
                CaptureFileFormat.parseRecord(UnsafeRawBufferPointer(rebasing: raw[start..<end]), at: 0)
            }
            switch parsed {
            case .record(let kindByte, let time, let payload, let size):
                let recordStart = start
                let recordOffset = validEndOffset
                start += size
                validEndOffset += Int64(size)
                if let kind = CaptureFileFormat.RecordKind(rawValue: kindByte) {
                    return (kind, time, (payload.lowerBound + recordStart)..<(payload.upperBound + recordStart))
                }
                guard kindByte >= CaptureFileFormat.RecordKind.firstOptional else {
                    finished = true
                    throw .unsupportedRecordKind(path: path, kind: kindByte, offset: recordOffset)
                }
            case .needMore(let n):
                if atEndOfFile {
                    if end > start { stopWithTail(reason: "incomplete last record") }
                    finished = true
                } else {
                    try fill(atLeast: n)
                }
            case .invalid(let reason):
                stopWithTail(reason: reason)
                finished = true
            }
        }
        return nil
    }

    private func stopWithTail(reason: String) {
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int64(st.st_size) : validEndOffset + Int64(end - start)
        warnings.append(.unreadableTail(path: path, offset: validEndOffset, bytes: size - validEndOffset, reason: reason))
    }

    /// Makes at least `count` bytes available from `start`, or sets `atEndOfFile`.
    private func fill(atLeast count: Int) throws(CaptureError) {
        if end - start >= count { return }
        if start > 0 {
            // Move the unread rest to the front.
            let rest = end - start
            buffer.withUnsafeMutableBytes { raw in
                if rest > 0 { memmove(raw.baseAddress!, raw.baseAddress! + start, rest) }
            }
            start = 0
            end = rest
        }
        if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
        while end < count {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n > 0 {
                end += n
            } else if n == 0 {
                atEndOfFile = true
                return
            } else if errno != EINTR {
                throw .io(operation: "read", path: path, errno: errno)
            }
        }
    }
}

/// A whole capture and what the reader tolerated while reading it.
public struct CaptureReadResult: Sendable {
    public var capture: Capture
    public var warnings: [CaptureWarning]
}
