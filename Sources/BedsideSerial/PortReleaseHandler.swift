import NIOCore

/// Releases a port's ``PortClaim`` when its channel closes, whichever way it closes.
///
/// It sits first in the pipeline. An explicit close passes through ``close(context:mode:promise:)``
/// before SwiftNIO closes the descriptor; a close SwiftNIO starts itself (hang-up, read or write
/// error) bypasses the outbound path but fires `channelInactive`, which reaches this handler before
/// the async channel's handler ends the inbound stream. Either way the port is free again before
/// the code driving the channel can see that it closed, so a reconnect never finds its own lock.
final class PortReleaseHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let claim: PortClaim

    init(claim: PortClaim) {
        self.claim = claim
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all { claim.release() }
        context.close(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        claim.release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        claim.release()
    }
}
