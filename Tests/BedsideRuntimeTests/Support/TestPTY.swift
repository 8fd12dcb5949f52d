#if canImport(Glibc)
import Glibc
#endif
import BedsideSerial
import NIOCore
import NIOPosix

/// A raw pseudo-terminal pair opened directly with `openpty`, each side wrapped in an
/// `NIOAsyncChannel`, for pipeline tests.
struct TestPTY {
    var controller: Int32
    var device: Int32

    enum Failure: Error { case openpty(Int32) }

    static func open() throws -> TestPTY {
        var controller: Int32 = -1, device: Int32 = -1
        guard openpty(&controller, &device, nil, nil, nil) == 0 else { throw Failure.openpty(errno) }
        for fd in [controller, device] {
            var t = termios()
            tcgetattr(fd, &t)
            cfmakeraw(&t)
            tcsetattr(fd, TCSANOW, &t)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return TestPTY(controller: controller, device: device)
    }

    static func channel(for fd: Int32) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .takingOwnershipOfDescriptor(inputOutput: fd) { channel in
                channel.eventLoop.makeCompletedFuture { try PortChannel.wrapSynchronously(channel) }
            }
    }
}

/// Reads a byte stream line by line from an async channel's inbound side.
struct LineReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) { iterator = inbound.makeAsyncIterator() }

    /// The next complete line without its newline, or `nil` at end of stream.
    mutating func nextLine() async throws -> String? {
        while true {
            if let i = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<i], as: UTF8.self)
                pending.removeSubrange(...i)
                return line
            }
            guard let chunk = try await iterator.next() else { return nil }
            pending += Array(chunk.readableBytesView)
        }
    }
}
