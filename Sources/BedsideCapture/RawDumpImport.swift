import BedsideModel
import Glibc

/// Turns a plain byte dump (what many tools save: every byte the device sent, nothing else) into a
/// ``Capture`` of rx chunks.
///
/// A dump has no timing, so times are synthesized, and the header's note says so. With
/// ``Chunking/lineRate(chunkSize:)`` (the default) the bytes are cut into chunks of `chunkSize`
/// bytes, each stamped with the time its last byte would have arrived at the line rate of the
/// given settings (start bit + data bits + parity bit + stop bits per byte, back to back): the
/// driver sees a plausible, monotonic clock and frames split across reads, as on a real port.
/// With ``Chunking/single`` the whole dump is one chunk at the start time.
public enum RawDumpImport {
    public enum Chunking: Hashable, Sendable {
        /// Chunks of this many bytes spaced at the line rate. 64 is what a USB full-speed serial
        /// adapter delivers per packet, the common case for the recordings we import.
        case lineRate(chunkSize: Int)
        /// One chunk holding the whole dump.
        case single

        public static let `default` = Chunking.lineRate(chunkSize: 64)
    }

    /// Nanoseconds one byte takes on the wire at these settings.
    public static func nanosecondsPerByte(_ s: SerialSettings) -> Int64 {
        let bitsPerByte = 1 + s.dataBits + (s.parity == .none ? 0 : 1) + s.stopBits
        return Int64(bitsPerByte) * 1_000_000_000 / Int64(max(s.baudRate, 1))
    }

    /// Builds a capture from `bytes` (in memory; ``RawDumpReader`` streams a file instead).
    ///
    /// - Parameters:
    ///   - settings: the line settings the dump was recorded with (for the line-rate clock and the header).
    ///   - startTime: the time of the first byte; a dump does not say, so the caller decides (e.g.
    ///     the file's modification time minus its duration, or a fixed time for reproducible tests).
    ///   - source: where the bytes came from (header `port`).
    public static func capture(
        bytes: [UInt8], settings: SerialSettings, startTime: Timestamp, driver: String? = nil,
        source: String? = nil, chunking: Chunking = .default
    ) -> Capture {
        let reader = RawDumpReader(input: CaptureInput(bytes: bytes, name: source ?? "bytes"), settings: settings,
                                   startTime: startTime, driver: driver, source: source, chunking: chunking)
        var chunks: [CaptureChunk] = []
        if case .lineRate(let size) = chunking { chunks.reserveCapacity(bytes.count / max(size, 1) + 1) }
        // An in-memory input cannot fail to read.
        while let chunk = try? reader.next() { chunks.append(chunk) }
        return Capture(header: reader.header, chunks: chunks)
    }

    /// The header of an imported dump.
    static func header(settings: SerialSettings, startTime: Timestamp, driver: String?, source: String?,
                       chunking: Chunking) -> CaptureHeader {
        let how: String
        switch chunking {
        case .single: how = "one chunk"
        case .lineRate(let n): how = "chunks of \(max(n, 1)) bytes timed at the line rate of \(settings.summary)"
        }
        return CaptureHeader(
            driver: driver, serialSettings: settings, port: source, startTime: startTime,
            note: "imported from a raw rx-only byte dump\(source.map { " (\($0))" } ?? ""); the dump has no timing, times are synthesized: \(how)")
    }

    /// Reads the dump at `path` and builds a capture from it (in memory).
    public static func capture(
        contentsOf path: String, settings: SerialSettings, startTime: Timestamp, driver: String? = nil,
        chunking: Chunking = .default
    ) throws(CaptureError) -> Capture {
        capture(bytes: try FileBytes.read(path), settings: settings, startTime: startTime, driver: driver,
                source: path, chunking: chunking)
    }
}

/// Streams a raw rx-only dump as chunks timed at the line rate (see ``RawDumpImport``), through
/// one bounded buffer: a dump of any size, a pipe or an endless device replays in constant memory.
///
/// With ``RawDumpImport/Chunking/single`` the whole input is one chunk, which is read whole: use
/// it only for inputs known to be small.
public final class RawDumpReader: CaptureChunkSource {
    public let header: CaptureHeader
    /// A raw dump has no structure to damage: nothing is ever skipped.
    public var warnings: [CaptureWarning] { [] }

    private let input: CaptureInput
    private let chunking: RawDumpImport.Chunking
    private let perByte: Int64
    private let startTime: Timestamp
    private var done = false

    public init(input: CaptureInput, settings: SerialSettings, startTime: Timestamp, driver: String? = nil,
                source: String? = nil, chunking: RawDumpImport.Chunking = .default) {
        self.input = input
        self.chunking = chunking
        self.perByte = RawDumpImport.nanosecondsPerByte(settings)
        self.startTime = startTime
        self.header = RawDumpImport.header(settings: settings, startTime: startTime, driver: driver, source: source,
                                           chunking: chunking)
    }

    public func next() throws(CaptureError) -> CaptureChunk? {
        guard !done else { return nil }
        let size: Int
        switch chunking {
        case .lineRate(let requested):
            size = max(requested, 1)
            try input.fill(atLeast: size)
        case .single:
            while try input.fillMore() {}
            size = input.available
            done = true
        }
        let count = min(size, input.available)
        guard count > 0 else {
            done = true
            return nil
        }
        let bytes = Array(input.buffer[input.bufferRange(0..<count)])
        input.consume(count)
        // Each chunk is stamped with the time its last byte would have arrived.
        let time: Timestamp
        switch chunking {
        case .lineRate:
            // Saturates rather than traps: an endless input (/dev/zero) must not crash the replay
            // after some 16 TB; the clock then stands still, which the replay reports as clamped.
            let (elapsed, overflow) = input.offset.multipliedReportingOverflow(by: perByte)
            let (nanos, overflow2) = startTime.nanosecondsSinceEpoch.addingReportingOverflow(elapsed)
            time = Timestamp(nanosecondsSinceEpoch: overflow || overflow2 ? .max : nanos)
        case .single: time = startTime
        }
        return CaptureChunk(time: time, direction: .rx, bytes: bytes)
    }
}

/// Whole-file reads and writes for importers, exporters and the sniffer.
enum FileBytes {
    static func write(_ bytes: [UInt8], to path: String) throws(CaptureError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "create", path: path, errno: errno) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + written, raw.count - written) }
            if n >= 0 { written += n } else if errno != EINTR { throw .io(operation: "write", path: path, errno: errno) }
        }
    }

    static func read(_ path: String, limit: Int = .max) throws(CaptureError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path: path) : .io(operation: "open", path: path, errno: code)
        }
        defer { close(fd) }
        var st = stat()
        let expected = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
        var out = [UInt8](repeating: 0, count: min(max(expected, 4096), limit))
        var count = 0
        while count < limit {
            if count == out.count { out += [UInt8](repeating: 0, count: min(out.count, limit - count)) }
            let n = out.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress! + count, raw.count - count) }
            if n > 0 {
                count += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw .io(operation: "read", path: path, errno: errno)
            }
        }
        out.removeSubrange(count...)
        return out
    }
}
