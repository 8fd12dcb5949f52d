import BedsideModel
import Glibc

/// Appends chunks to a `.bbcap` file as they happen.
///
/// Flush policy: by default every ``append(_:)`` goes to the kernel with one `write(2)` before it
/// returns, so a crash of the process loses nothing that was appended; serial rates make this
/// cheap (a few hundred writes a second at most). Bulk conversions can set
/// ``Options/bufferLimit`` to batch records in memory. Data reaches the disk (`fsync`) on
/// ``sync()`` and ``close()``; a power loss can cost what the kernel had not written yet, and
/// leaves at worst an incomplete last record, which readers detect and skip with a warning.
///
/// Not thread-safe: one writer per file, used from one task at a time (``CaptureRecorder``
/// serializes access for the runtime).
public final class CaptureWriter {
    public struct Options: Sendable {
        /// Bytes of encoded records kept in memory before they are written; `0` writes each chunk
        /// immediately.
        public var bufferLimit: Int
        /// `fsync` on ``CaptureWriter/close()``.
        public var syncOnClose: Bool

        public init(bufferLimit: Int = 0, syncOnClose: Bool = true) {
            self.bufferLimit = bufferLimit
            self.syncOnClose = syncOnClose
        }
    }

    public let path: String
    /// The header of the file (for an appended file, the one it already had).
    public let header: CaptureHeader
    public let options: Options
    /// When reopening for append: the damaged tail that was cut off before appending, if any.
    public private(set) var repairedTail: CaptureWarning?
    /// Chunks appended through this writer.
    public private(set) var chunksAppended = 0

    private var fd: CInt
    private var pending: [UInt8] = []

    private init(path: String, header: CaptureHeader, options: Options, fd: CInt) {
        self.path = path
        self.header = header
        self.options = options
        self.fd = fd
        pending.reserveCapacity(max(options.bufferLimit, 4096) + 4096)
    }

    deinit {
        if fd >= 0 {
            try? flush()
            Glibc.close(fd)
        }
    }

    /// Creates a new capture file and writes its header.
    ///
    /// - Parameter overwrite: replace an existing file; otherwise an existing file is an error
    ///   (``CaptureError/alreadyExists(path:)``), so a recording never destroys another by accident.
    public static func create(path: String, header: CaptureHeader, options: Options = .init(), overwrite: Bool = false)
        throws(CaptureError) -> CaptureWriter
    {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw code == EEXIST ? .alreadyExists(path: path) : .io(operation: "create", path: path, errno: code)
        }
        var normalized = header
        normalized.formatVersion = CaptureHeader.currentFormatVersion
        let writer = CaptureWriter(path: path, header: normalized, options: options, fd: fd)
        writer.pending = CaptureFileFormat.encodeHeader(normalized)
        try writer.flush()
        // Make the new file's name and header durable before any data is trusted to it.
        try writer.syncFile()
        syncDirectory(of: path)
        return writer
    }

    /// Opens an existing capture to append to it. Every record is validated first; an incomplete
    /// or damaged tail (from a crash) is cut off so new records follow the last good one, and
    /// reported in ``repairedTail``.
    public static func openForAppending(path: String, options: Options = .init()) throws(CaptureError) -> CaptureWriter {
        let reader = try CaptureReader(path: path)
        while try reader.next() != nil {}
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        let writer = CaptureWriter(path: path, header: reader.header, options: options, fd: fd)
        // Only a skipped tail is cut off; damage in the middle stays as it is (it is reported on
        // every read, and nothing valid after it may be lost).
        if let tail = reader.warnings.last, tail.endOffset > reader.validEndOffset {
            guard ftruncate(fd, off_t(reader.validEndOffset)) == 0 else {
                throw .io(operation: "ftruncate", path: path, errno: errno)
            }
            writer.repairedTail = tail
        }
        guard lseek(fd, off_t(reader.validEndOffset), SEEK_SET) >= 0 else {
            throw .io(operation: "lseek", path: path, errno: errno)
        }
        return writer
    }

    /// Appends one chunk.
    public func append(_ chunk: CaptureChunk) throws(CaptureError) {
        try chunk.bytes.withUnsafeBytes { raw in
            Result { () throws(CaptureError) in try append(direction: chunk.direction, time: chunk.time, bytes: raw) }
        }.get()
    }

    /// Appends one chunk from a buffer (no intermediate array).
    public func append(direction: CaptureChunk.Direction, time: Timestamp, bytes: UnsafeRawBufferPointer)
        throws(CaptureError)
    {
        guard fd >= 0 else { throw .closed(path: path) }
        guard bytes.count <= CaptureFileFormat.maximumRecordPayload else {
            throw .chunkTooLarge(path: path, bytes: bytes.count)
        }
        CaptureFileFormat.appendRecord(
            kind: CaptureFileFormat.RecordKind(direction).rawValue, time: time, payload: bytes, to: &pending)
        chunksAppended += 1
        if pending.count > options.bufferLimit { try flush() }
    }

    /// Appends an optional line-control record (``CaptureFileFormat/RecordKind/lineControl``):
    /// what the bridge did to the line at `time`, as text (`DTR on`, `BREAK 250 ms`).
    public func appendLineControl(_ text: String, time: Timestamp) throws(CaptureError) {
        guard fd >= 0 else { throw .closed(path: path) }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            CaptureFileFormat.appendRecord(kind: CaptureFileFormat.RecordKind.lineControl, time: time, payload: raw,
                                           to: &pending)
        }
        lineControlRecords += 1
        if pending.count > options.bufferLimit { try flush() }
    }

    /// Line-control records appended so far.
    public private(set) var lineControlRecords = 0

    /// Hands buffered records to the kernel.
    public func flush() throws(CaptureError) {
        guard fd >= 0 else { throw .closed(path: path) }
        var written = 0
        while written < pending.count {
            let n = pending.withUnsafeBytes { raw in write(fd, raw.baseAddress! + written, raw.count - written) }
            if n >= 0 {
                written += n
            } else if errno != EINTR {
                let code = errno
                pending.removeFirst(written)
                throw .io(operation: "write", path: path, errno: code)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and waits until the data is on disk.
    public func sync() throws(CaptureError) {
        try flush()
        try syncFile()
    }

    /// Flushes, syncs (unless ``Options/syncOnClose`` is off) and closes. Safe to call twice.
    public func close() throws(CaptureError) {
        guard fd >= 0 else { return }
        defer {
            Glibc.close(fd)
            fd = -1
        }
        try flush()
        if options.syncOnClose { try syncFile() }
    }

    private func syncFile() throws(CaptureError) {
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    private static func syncDirectory(of path: String) {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        _ = fsync(dfd)
        Glibc.close(dfd)
    }
}
