import Glibc

/// A byte stream read through one bounded buffer: a file, standard input (`-`), a pipe or a
/// device such as `/dev/zero`, or bytes already in memory.
///
/// Every reader of this module (capture, IntelliVue log, raw dump, the format sniffer) reads
/// through one of these, so no input is ever read whole: the buffer holds the bytes not yet
/// consumed and grows only as far as one unit of the format needs (a record, a frame), which is
/// what keeps a replay of any size, or of an endless stream, within a few megabytes. The sniffer
/// peeks at the first bytes without consuming them, so a pipe can be recognized and then decoded.
public final class CaptureInput {
    /// The name used in messages and reports: the path, or `stdin` for `-`.
    public let name: String
    /// Whether the input is a regular file (which can be opened again to scan it twice).
    public let isRegularFile: Bool
    /// The path to open again for a second pass, when ``isRegularFile``.
    let reopenPath: String?

    private let fd: CInt
    private let ownsDescriptor: Bool
    private(set) var buffer: [UInt8]
    /// Unconsumed bytes are `buffer[start..<end]`.
    private(set) var start = 0
    private(set) var end = 0
    /// Position in the input of `buffer[start]`.
    public private(set) var offset: Int64 = 0
    /// The last read returned end of file (a growing file may still grow later).
    public private(set) var atEnd = false

    /// The size of the buffer in normal operation; a larger unit grows it.
    public static let defaultBufferSize = 1 << 20

    /// Opens `path`; `-` is standard input (not closed at the end).
    ///
    /// - Throws: ``CaptureError/notFound(path:)``, ``CaptureError/io(operation:path:errno:)``.
    public convenience init(path: String, bufferSize: Int = CaptureInput.defaultBufferSize) throws(CaptureError) {
        if path == "-" {
            self.init(fd: 0, name: "stdin", reopenPath: "/dev/stdin", owns: false, bufferSize: bufferSize)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path: path) : .io(operation: "open", path: path, errno: code)
        }
        self.init(fd: fd, name: path, reopenPath: path, owns: true, bufferSize: bufferSize)
    }

    /// An input over bytes already in memory (for the array-based import APIs and tests).
    public init(bytes: [UInt8], name: String) {
        self.fd = -1
        self.ownsDescriptor = false
        self.name = name
        self.isRegularFile = false
        self.reopenPath = nil
        self.buffer = bytes
        self.end = bytes.count
        self.atEnd = true
    }

    private init(fd: CInt, name: String, reopenPath: String, owns: Bool, bufferSize: Int) {
        self.fd = fd
        self.ownsDescriptor = owns
        self.name = name
        var st = stat()
        let regular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        self.isRegularFile = regular
        self.reopenPath = regular ? reopenPath : nil
        self.buffer = [UInt8](repeating: 0, count: max(bufferSize, 4096))
    }

    deinit { if ownsDescriptor { Glibc.close(fd) } }

    /// Unconsumed bytes in the buffer.
    public var available: Int { end - start }

    /// Whether nothing is left: end of input reached and every byte consumed.
    public var isExhausted: Bool { atEnd && start == end }

    /// Calls `body` with the unconsumed bytes (valid only during the call).
    func withAvailableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
    }

    /// The unconsumed byte at `index` (relative to the read position).
    @inline(__always)
    func byte(at index: Int) -> UInt8 { buffer[start + index] }

    /// Buffer indices of the unconsumed range `relative` (valid until the next ``fill(atLeast:)``).
    func bufferRange(_ relative: Range<Int>) -> Range<Int> { (start + relative.lowerBound)..<(start + relative.upperBound) }

    /// Marks `count` bytes as consumed.
    @inline(__always)
    func consume(_ count: Int) {
        precondition(count <= end - start, "consume past the buffered bytes")
        start += count
        offset += Int64(count)
    }

    /// Makes at least `count` unconsumed bytes available, or as many as there are before the end
    /// of input (then ``atEnd`` is set). Grows the buffer only when `count` exceeds it.
    func fill(atLeast count: Int) throws(CaptureError) {
        if end - start >= count { return }
        if fd < 0 { atEnd = true; return }
        if start > 0 {
            let rest = end - start
            let from = start
            buffer.withUnsafeMutableBytes { raw in
                if rest > 0 { memmove(raw.baseAddress!, raw.baseAddress! + from, rest) }
            }
            start = 0
            end = rest
        }
        if buffer.count < count {
            // Grow by at least a step, not byte by byte, when a caller asks for one more byte at a time.
            // Left uninitialized: a large request (a damaged length field claiming 16 MiB) then
            // costs memory only for the bytes actually read into it.
            let grown = max(count, min(buffer.count * 2, buffer.count + Self.defaultBufferSize))
            let (old, used) = (buffer, end)
            buffer = [UInt8](unsafeUninitializedCapacity: grown) { raw, initialized in
                old.withUnsafeBufferPointer { src in
                    if used > 0 { raw.baseAddress!.initialize(from: src.baseAddress!, count: used) }
                }
                // UInt8 is trivial; bytes past `end` are never read before the input writes them.
                initialized = grown
            }
        }
        while end < count {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n > 0 {
                end += n
                atEnd = false
            } else if n == 0 {
                atEnd = true
                return
            } else if errno != EINTR {
                throw .io(operation: "read", path: name, errno: errno)
            }
        }
    }

    /// Reads at least one more byte if the input has any (fills the buffer's free space).
    /// Returns `false` at the end of input.
    func fillMore() throws(CaptureError) -> Bool {
        let before = end - start
        try fill(atLeast: before + 1)
        return end - start > before
    }

    /// The first `count` bytes (or fewer, at the end of input), not consumed: for recognizing the
    /// format of a pipe before decoding it.
    public func peek(_ count: Int) throws(CaptureError) -> [UInt8] {
        try fill(atLeast: count)
        return Array(buffer[start..<min(end, start + count)])
    }

    /// Shrinks a buffer that grew for one large unit back to the normal size once it is consumed,
    /// so one big record does not pin its memory for the rest of the stream.
    func shrinkIfIdle(to size: Int = CaptureInput.defaultBufferSize) {
        guard buffer.count > 2 * size, end - start <= size, fd >= 0 else { return }
        let rest = Array(buffer[start..<end])
        buffer = rest + [UInt8](repeating: 0, count: size - rest.count)
        start = 0
        end = rest.count
    }
}
