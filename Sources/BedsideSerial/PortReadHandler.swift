import BedsidePlatform
import NIOCore

/// Hands a port's reads straight to the session that runs the port, on the event loop, stamped
/// with the monotonic time of the read.
///
/// Without it a read reaches the session through the async channel's inbound stream and a task
/// that forwards it: one more hand-off between threads per chunk, and a receipt time taken after
/// it. Until a session attaches (``attach(_:)``) reads pass through to the async channel as
/// usual, so code that reads the inbound stream itself (a probe, a test) is unaffected. A session
/// can attach only while nothing has passed through yet (the bytes would otherwise reach it out of
/// order); it then keeps reading the inbound stream, as before.
public final class PortReadHandler: ChannelInboundHandler, @unchecked Sendable {
    // Every stored property is touched on the channel's event loop only.
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    /// What the attached session is told.
    public enum Event: Sendable {
        /// Bytes read, and `CLOCK_MONOTONIC` nanoseconds when the read returned.
        case bytes(ByteBuffer, monotonicNanoseconds: Int64)
        /// The read side ended: `nil` for end of file (hang-up), or the error the port reported.
        case ended((any Error)?)
    }

    private var deliver: (@Sendable (Event) -> Void)?
    private var passedThrough = false
    private var ended = false

    public init() {}

    /// Makes this handler deliver every later read to `deliver` instead of the inbound stream.
    /// Call on the event loop. Returns `false` (and changes nothing) when bytes or the end already
    /// went to the inbound stream: the caller reads that instead.
    public func attach(_ deliver: @escaping @Sendable (Event) -> Void) -> Bool {
        guard !passedThrough, !ended else { return false }
        self.deliver = deliver
        return true
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let deliver else {
            passedThrough = true
            context.fireChannelRead(data)
            return
        }
        deliver(.bytes(unwrapInboundIn(data), monotonicNanoseconds: BridgeClock.monotonicNanoseconds()))
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if let deliver, !ended { deliver(.ended(nil)) }
        ended = true
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let deliver, !ended { deliver(.ended(error)) }
        ended = true
        context.fireErrorCaught(error)
    }
}

/// Wrapping a port's channel for a session.
public enum PortChannel {
    /// A ``PortReadHandler`` and then the async channel, on `channel`. Call on its event loop (in
    /// a bootstrap's channel initializer).
    public static func wrapSynchronously(_ channel: any Channel) throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try channel.pipeline.syncOperations.addHandler(PortReadHandler())
        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
    }
}
