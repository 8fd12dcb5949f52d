import BedsideHL7
import BedsidePlatform
import NIOCore
import NIOPosix

/// One TCP connection to an MLLP receiver, one message in flight: send a framed message, wait for
/// the next frame back (its ACK) or a time-out.
final class MLLPConnection: Sendable {
    private let channel: any Channel
    private let mailbox: Mailbox

    enum Failure: Error, CustomStringConvertible {
        case timedOut(Double)
        case closed
        case protocolError(String)

        var description: String {
            switch self {
            case .timedOut(let s): "no acknowledgement within \(s) s"
            case .closed: "the receiver closed the connection"
            case .protocolError(let text): text
            }
        }
    }

    private init(channel: any Channel, mailbox: Mailbox) {
        self.channel = channel
        self.mailbox = mailbox
    }

    static func connect(host: String, port: Int, timeoutSeconds: Double) async throws -> MLLPConnection {
        let mailbox = Mailbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeoutSeconds * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FrameHandler(mailbox: mailbox)) }
            }
            .connect(host: host, port: port).get()
        return MLLPConnection(channel: channel, mailbox: mailbox)
    }

    /// Sends one framed message and returns the first frame the receiver answers with.
    func exchange(_ frame: [UInt8], timeoutSeconds: Double) async throws -> [UInt8] {
        mailbox.reset()
        try await channel.writeAndFlush(ByteBuffer(bytes: frame)).get()
        let timeout = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutSeconds * 1000))) {
            self.mailbox.fail(.timedOut(timeoutSeconds))
        }
        defer { timeout.cancel() }
        return try await mailbox.next()
    }

    func close() { channel.close(promise: nil) }

    /// Frames from the handler to the one waiting sender.
    final class Mailbox: Sendable {
        private struct State {
            var frames: [[UInt8]] = []
            var failure: Failure?
            var waiter: CheckedContinuation<[UInt8], any Error>?
        }
        private let state = Locked(State())

        func reset() { state.withLock { $0.frames.removeAll(); $0.failure = $0.failure.flatMap { if case .timedOut = $0 { nil } else { $0 } } } }

        func deliver(_ frame: [UInt8]) {
            let waiter = state.withLock { s -> CheckedContinuation<[UInt8], any Error>? in
                if let w = s.waiter { s.waiter = nil; return w }
                s.frames.append(frame)
                return nil
            }
            waiter?.resume(returning: frame)
        }

        func fail(_ failure: Failure) {
            let waiter = state.withLock { s -> CheckedContinuation<[UInt8], any Error>? in
                s.failure = s.failure ?? failure
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(throwing: failure)
        }

        func next() async throws -> [UInt8] {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { s -> Result<[UInt8], any Error>? in
                    if !s.frames.isEmpty { return .success(s.frames.removeFirst()) }
                    if let f = s.failure { return .failure(f) }
                    s.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    /// Decodes MLLP frames from the socket into the mailbox; a closed or broken connection fails it.
    final class FrameHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private let mailbox: Mailbox
        private var decoder = MLLPFrameDecoder()

        init(mailbox: Mailbox) { self.mailbox = mailbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            do {
                for frame in try decoder.feed(buffer.readableBytesView) { mailbox.deliver(frame) }
            } catch {
                mailbox.fail(.protocolError("the receiver sent an oversized frame"))
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            mailbox.fail(.closed)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            mailbox.fail(.protocolError("\(error)"))
            context.close(promise: nil)
        }
    }
}
