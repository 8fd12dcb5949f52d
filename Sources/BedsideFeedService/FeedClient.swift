import NIOCore
import NIOPosix
import NIOSSL

/// A feed client (what `bedside feed` uses): connects to the service's Unix socket or TCP port,
/// sends its request, and hands every line it receives to a closure.
public struct FeedClient: Sendable {
    public enum Endpoint: Sendable, Hashable {
        case unixSocket(String)
        case tcp(host: String, port: Int)
    }

    public var endpoint: Endpoint
    /// For a TLS listener: the PEM file of the certificate(s) to trust (`nil`: plain TCP).
    public var tlsTrustRootsPath: String?

    public init(endpoint: Endpoint, tlsTrustRootsPath: String? = nil) {
        self.endpoint = endpoint
        self.tlsTrustRootsPath = tlsTrustRootsPath
    }

    /// Receives lines until the service closes the connection or `onLine` returns false.
    public func run(_ request: FeedRequest, onLine: (String) async throws -> Bool) async throws {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        @Sendable func wrap(_ channel: any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> {
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        switch endpoint {
        case .unixSocket(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path) { wrap($0) }
        case .tcp(let host, let port):
            let tls = try tlsTrustRootsPath.map { roots -> NIOSSLContext in
                var config = TLSConfiguration.makeClientConfiguration()
                config.trustRoots = .file(roots)
                return try NIOSSLContext(configuration: config)
            }
            channel = try await bootstrap.connect(host: host, port: port) { channel in
                if let tls {
                    do {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host == "127.0.0.1" ? "localhost" : host))
                    } catch { return channel.eventLoop.makeFailedFuture(error) }
                }
                return wrap(channel)
            }
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
