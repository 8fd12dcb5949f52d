import BedsideModel
@testable import BedsideSerial
import Glibc
import NIOCore

enum TestTimeout: Error { case expired(String) }

/// Reads from an inbound stream until `count` bytes arrived. The deadline only turns a hang into
/// a failure; nothing is asserted about how long it took.
func readExactly(_ count: Int, from inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws -> [UInt8] {
    try await withThrowingTaskGroup(of: [UInt8].self) { group in
        group.addTask {
            var received: [UInt8] = []
            for try await var chunk in inbound {
                received += chunk.readBytes(length: chunk.readableBytes) ?? []
                if received.count >= count { break }
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: .seconds(20))
            throw TestTimeout.expired("waiting for \(count) bytes")
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

/// Reads TIOCGEXCL (not imported into Swift: it is a function-like macro).
func exclusiveFlag(_ fd: CInt) -> CInt {
    var value: CInt = -1
    let rc = withUnsafeMutablePointer(to: &value) { ioctl(fd, UInt(0x8004_5440), $0) }
    return rc == 0 ? value : -1
}

/// The bytes every binary-transparency test sends: NUL, XON, XOFF, CR, LF, HDLC flag/escape,
/// IntelliVue frame delimiters, 0xFF.
let awkwardBytes: [UInt8] = [0x00, 0x11, 0x13, 0x0D, 0x0A, 0x7E, 0x7D, 0xC0, 0xC1, 0xFF]
