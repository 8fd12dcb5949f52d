import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// Everything up to end of file, retrying reads a signal interrupted.
    ///
    /// Foundation's `readToEndRetryingInterrupts()` traps on `EINTR` (a `try!` inside), and a test process
    /// gets signals it did not ask for (child exits while other tests spawn processes), so every
    /// test reads pipes through this instead.
    public func readToEndRetryingInterrupts() -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                result.append(contentsOf: buffer[0..<n])
            } else if n == 0 || errno != EINTR {
                return result
            }
        }
    }
}
