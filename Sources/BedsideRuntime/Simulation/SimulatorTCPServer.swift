import BedsideSerial
import BedsideDriver
import BedsidePlatform
import Logging
import NIOCore
import NIOPosix

/// A device simulator behind a TCP port, as a device with a LAN interface is (a SpaceStation's BCC
/// port): `bedside simulate bbraun-bcc --listen tcp://127.0.0.1:4001`.
///
/// One client at a time, as the device serves one: each connection gets a fresh simulator (its
/// scenario starts again) hosted by the same ``SimulatorHost`` as on a pseudo-terminal. Runs until
/// a shutdown signal.
public struct SimulatorTCPServer: Sendable {
    public var endpoint: TCPEndpoint
    public var driver: String
    public var configuration: SimulatorConfiguration

    public init(endpoint: TCPEndpoint, driver: String, configuration: SimulatorConfiguration) {
        self.endpoint = endpoint
        self.driver = driver
        self.configuration = configuration
    }

    /// From the command line: `--listen tcp://host:port`, the driver name, speed, seed and `key=value` options.
    ///
    /// - Throws: ``CommandFailure`` (usage) when `listen` is not `tcp://host:port` or an option is malformed.
    public init(listen: String, driver: String, speed: Double, seed: UInt64, options: [String]) throws {
        guard let endpoint = TCPEndpoint(portArgument: listen, allowingPortZero: true) else {
            throw CommandFailure("--listen takes tcp://host:port, e.g. tcp://127.0.0.1:4001", exitStatus: .usage)
        }
        self.init(endpoint: endpoint, driver: driver,
                  configuration: SimulatorConfiguration(seed: seed, scenarioSpeed: speed, options: try parseKeyValueOptions(options)))
    }

    /// Binds, prints the bound address (port 0 picks a free one) through `ready`, then serves.
    public func run(ready: @Sendable (String) -> Void) async throws {
        _ = try DriverCatalog.registry.makeSimulator(named: driver, configuration: configuration)
        let clock = BridgeClock()
        let logger = Logger(label: "bedside.simulator")
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: endpoint.host, port: endpoint.port) { child in
                    child.eventLoop.makeCompletedFuture { try PortChannel.wrapSynchronously(child) }
                }
        } catch {
            throw CommandFailure("cannot listen on \(endpoint): \(error); choose a free port (0 picks one)")
        }
        var bound = endpoint
        if let port = server.channel.localAddress?.port { bound.port = port }
        ready(bound.description)
        let (driver, configuration) = (self.driver, self.configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in ShutdownSignals.stream() { break }
                try? await server.channel.close()
            }
            group.addTask {
                try await server.executeThenClose { clients in
                    for try await client in clients {
                        let simulator = try DriverCatalog.registry.makeSimulator(named: driver, configuration: configuration)
                        let host = SimulatorHost(simulator: simulator, clock: clock, logger: logger)
                        let summary = try? await host.run(on: client)
                        logger.notice("client left after \(summary?.bytesReceived ?? 0) bytes received")
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
