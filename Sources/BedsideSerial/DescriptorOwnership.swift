import Glibc
import NIOCore
import NIOPosix

/// Who owns a descriptor: us (open), SwiftNIO (handed over; NIO closes it), or nobody (closed).
enum DescriptorOwnership: Sendable {
    case open(CInt)
    case handedToEventLoop(CInt)
    case closed

    var descriptor: CInt {
        switch self {
        case .open(let fd), .handedToEventLoop(let fd): fd
        case .closed: -1
        }
    }
}

enum EventLoopChannels {
    /// Wraps a non-blocking tty descriptor in a `NIOAsyncChannel`; NIO owns it from here on and
    /// closes it when the channel closes. A `claim` is released as the channel closes.
    static func make(descriptor fd: CInt, group: any EventLoopGroup, claim: PortClaim? = nil) async throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        try await NIOPipeBootstrap(group: group)
            .takingOwnershipOfDescriptor(inputOutput: fd) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Added before the async channel's handlers, so it sees channelInactive first.
                    if let claim { try channel.pipeline.syncOperations.addHandler(PortReleaseHandler(claim: claim)) }
                    return try PortChannel.wrapSynchronously(channel)
                }
            }
    }
}
