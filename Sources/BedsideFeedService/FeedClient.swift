import NIOCore
import NIOPosix

/// A feed client (what `bedside feed` uses): connects to the service's Unix socket or TCP port,
/// sends its request, and hands every line it receives to a closure.
public struct FeedClient: Sendable {
    public enum Endpoint: Sendable, Hashable {
        case unixSocket(String)
        case tcp(host: String, port: Int)
    }

    public var endpoint: Endpoint

    public init(endpoint: Endpoint) { self.endpoint = endpoint }

    /// Receives lines until the service closes the connection or `onLine` returns false.
    public func run(_ request: FeedRequest, onLine: (String) async throws -> Bool) async throws {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        @Sendable func wrap(_ channel: any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> {
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        switch endpoint {
        case .unixSocket(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path) { wrap($0) }
        case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port) { wrap($0) }
        }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request.line() + "\n"))
            var pending: [UInt8] = []
            for try await buffer in inbound {
                for byte in buffer.readableBytesView {
                    if byte == 0x0A {
                        let line = String(decoding: pending, as: UTF8.self)
                        pending.removeAll(keepingCapacity: true)
                        if try await !onLine(line) { return }
                    } else {
                        pending.append(byte)
                    }
                }
            }
        }
    }
}
