import Glibc

/// Writes `bytes` as the whole content of `path` (created or replaced), retrying interrupted
/// writes; an error names the file and the reason.
public func writeWholeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        offset += n
    }
}
