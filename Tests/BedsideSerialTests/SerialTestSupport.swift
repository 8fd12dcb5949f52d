import BedsideModel
@testable import BedsideSerial
import Glibc
import NIOCore

/// Reads from a channel's inbound iterator until `count` bytes arrived (or the stream ended).
/// Tests that use it carry a time limit, so a lost byte fails instead of hanging.
func readExactly(_ count: Int, from inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator)
    async throws -> [UInt8]
{
    var received: [UInt8] = []
    while received.count < count, var chunk = try await inbound.next() {
        received += chunk.readBytes(length: chunk.readableBytes) ?? []
    }
    return received
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
