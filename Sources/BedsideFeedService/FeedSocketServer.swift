import BedsidePlatform
import BedsideStore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// NDJSON feed over a Unix domain socket and TCP: each client sends one request line (see
/// ``FeedRequest``), then receives a hello line and records, one per line.
public final class FeedSocketServer: Sendable {
    public let configuration: FeedServiceConfiguration
    let streamer: FeedStreamer
    let logger: Logger
    private let state = Locked(State())

    struct State {
        var channels: [any Channel] = []
        var task: Task<Void, Never>?
        var stopped = false
        var clients = 0
        var tcpPort: Int?
    }

    public init(configuration: FeedServiceConfiguration, store: RecordStore, logger: Logger = Logger(label: "bedside.feed")) {
        self.configuration = configuration
        streamer = FeedStreamer(store: store, bufferRecords: configuration.clientBufferRecords, logger: logger)
        self.logger = logger
    }

    /// The TCP port bound (useful when 0 was asked), once listening.
    public var boundTCPPort: Int? { state.withLock { $0.tcpPort } }
    public var clientCount: Int { state.withLock { $0.clients } }

    typealias Server = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    /// Binds the listeners (throws if a socket cannot be bound).
    public func bind() async throws -> [Listener] {
        try configuration.validate()
        var servers: [Listener] = []
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        // Outbound half-closure: when a stream ends (an overflow notice, the bridge stopping),
        // everything written is flushed before the write side shuts, then the client closes.
        @Sendable func wrap(_ channel: any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> {
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
        do {
            if let path = configuration.unixSocketPath {
                let server: Server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { wrap($0) }
                servers.append(Listener(server: server, description: path))
            }
            if let port = configuration.tcpPort {
                let host = configuration.tcpHost ?? "127.0.0.1"
                let tls = try configuration.tlsCertificatePath.map { cert in
                    try NIOSSLContext(configuration: .makeServerConfiguration(
                        certificateChain: NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                        privateKey: .privateKey(NIOSSLPrivateKey(file: configuration.tlsKeyPath ?? "", format: .pem))))
                }
                let server: Server = try await bootstrap.bind(host: host, port: port) { channel in
                    if let tls {
                        do { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) } catch {
                            return channel.eventLoop.makeFailedFuture(error)
                        }
                    }
                    return wrap(channel)
                }
                state.withLock { $0.tcpPort = server.channel.localAddress?.port }
                servers.append(Listener(server: server, description: "\(host):\(server.channel.localAddress?.port ?? port)"))
            }
        } catch {
            servers.forEach { $0.server.channel.close(promise: nil) }
            throw FeedServiceError.bind("cannot listen (\(error)); is another bridge running, or the path not writable?")
        }
        state.withLock { $0.channels = servers.map(\.server.channel) }
        return servers
    }

    public struct Listener: Sendable {
        let server: Server
        public let description: String
    }

    /// Serves on `listeners` until ``stop()``.
    public func serve(_ listeners: [Listener]) async {
        let task = Task {
            await withDiscardingTaskGroup { group in
                for listener in listeners {
                    group.addTask {
                        do {
                            try await listener.server.executeThenClose { inbound in
                                try await withThrowingDiscardingTaskGroup { clients in
                                    for try await client in inbound {
                                        clients.addTask { await self.handle(client) }
                                    }
                                }
                            }
                        } catch {
                            if !Task.isCancelled { self.logger.error("feed listener \(listener.description) failed: \(error)") }
                        }
                    }
                }
            }
        }
        let stopped = state.withLock { s -> Bool in
            s.task = task
            return s.stopped
        }
        if stopped { task.cancel() }
        await task.value
    }

    public func stop() {
        let (channels, task) = state.withLock { s in
            s.stopped = true
            return (s.channels, s.task)
        }
        task?.cancel()
        channels.forEach { $0.close(promise: nil) }
    }

    private func handle(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        state.withLock { $0.clients += 1 }
        defer { state.withLock { $0.clients -= 1 } }
        do {
            try await client.executeThenClose { inbound, outbound in
                var line: [UInt8] = []
                var iterator = inbound.makeAsyncIterator()
                readLine: while let buffer = try await iterator.next() {
                    for byte in buffer.readableBytesView {
                        if byte == 0x0A { break readLine }
                        line.append(byte)
                        if line.count > 4096 { throw FeedServiceError.configuration("request line too long") }
                    }
                }
                let request: FeedRequest
                do { request = try FeedRequest.parse(line) } catch {
                    try await outbound.write(ByteBuffer(string: FeedNotice.refused("the request line is not valid JSON") + "\n"))
                    return
                }
                if let token = configuration.bearerToken, request.token != token {
                    // Logged without the token, right or wrong.
                    logger.warning("feed client refused: \(request.token == nil ? "no token" : "wrong token")")
                    try await outbound.write(ByteBuffer(string: FeedNotice.refused("a valid bearer token is required") + "\n"))
                    return
                }
                var batch = ByteBuffer()
                try await streamer.stream(request) { line in
                    batch.clear()
                    batch.writeString(line)
                    batch.writeInteger(UInt8(ascii: "\n"))
                    try await outbound.write(batch)
                }
                outbound.finish()
                while try await iterator.next() != nil {}  // until the client closes its side
            }
        } catch {
            logger.debug("feed client ended: \(error)")
        }
    }
}
