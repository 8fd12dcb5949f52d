import BedsideDriver
import BedsideModel
import BedsidePlatform
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import BedsideRuntime

/// `--port tcp://host:port`: the same driver core over a socket, against a simulator served on
/// loopback (a SpaceStation's BCC LAN port is a TCP server).
@Suite("TCP transport")
struct TCPTransportTests {
    @Test("tcp:// port arguments", arguments: [
        ("tcp://10.0.0.7:4001", "10.0.0.7", 4001), ("tcp://spacestation-3:4001", "spacestation-3", 4001),
        ("tcp://[fe80::1]:4001", "fe80::1", 4001),
    ])
    func parse(text: String, host: String, port: Int) {
        #expect(TCPEndpoint(portArgument: text) == TCPEndpoint(portArgument: "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"))
        #expect(TCPEndpoint(portArgument: text)?.host == host && TCPEndpoint(portArgument: text)?.port == port)
    }

    @Test("Not a TCP endpoint", arguments: ["/dev/ttyUSB0", "tcp://host", "tcp://:4001", "tcp://host:0", "tcp://host:70000", "udp://h:1"])
    func refuse(text: String) { #expect(TCPEndpoint(portArgument: text) == nil) }

    /// Serves one simulator per connection, sans-IO simulator driven by the bytes that arrive.
    final class SimulatorServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var simulator: any DeviceSimulator
        let clock = BridgeClock()
        var output = SimulatorOutput()

        init(driver: String) throws {
            simulator = try DriverCatalog.registry.makeSimulator(named: driver, configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: 30))
        }

        func channelActive(context: ChannelHandlerContext) {
            simulator.start(now: clock.now(), into: &output)
            output.reset()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data))
            simulator.receive(bytes, now: clock.now(), into: &output)
            if !output.transmit.isEmpty {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: output.transmit)), promise: nil)
            }
            output.reset()
        }
    }

    @Test("bedside run --port tcp://127.0.0.1:<port> --driver bbraun-bcc reads the rack over loopback",
          .enabled(if: BedsideTool.available, "build the bedside executable first (swift build)"))
    func bccOverLoopback() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SimulatorServer(driver: "bbraun-bcc"))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { try? server.close().wait() }
        let port = try #require(server.localAddress?.port)
        let result = try BedsideTool.run(["run", "--port", "tcp://127.0.0.1:\(port)", "--driver", "bbraun-bcc",
                                          "--seconds", "8", "--format", "ndjson", "--no-reconnect", "--interval", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines.map(String.init)
        #expect(lines.contains { $0.contains("\"kind\":\"link\"") && $0.contains("\"connected\"") })
        // Both pumps of the simulated rack, as subdevices, with their rates.
        #expect(lines.contains { $0.contains("\"subdevice\":\"pillar1/slot1\"") && $0.contains("MDC_FLOW_FLUID_PUMP") })
        #expect(lines.contains { $0.contains("\"subdevice\":\"pillar1/slot2\"") && $0.contains("\"kind\":\"pump-channel\"") })
        #expect(lines.contains { $0.contains("\"port\":\"tcp://127.0.0.1:\(port)\"") })
    }

    @Test("bedside simulate bbraun-bcc --listen serves the rack on TCP; bedside run reads it",
          .enabled(if: BedsideTool.available, "build the bedside executable first (swift build)"))
    func simulateListen() throws {
        let sim = try BedsideTool.launch(["simulate", "bbraun-bcc", "--listen", "tcp://127.0.0.1:0", "--speed", "30"])
        defer { if sim.process.isRunning { sim.process.interrupt() }; sim.process.waitUntilExit() }
        // The bound address is the first line on stdout.
        var line: [UInt8] = []
        let handle = sim.stdout.fileHandleForReading
        while line.last != UInt8(ascii: "\n") {
            let byte = handle.readData(ofLength: 1)
            guard let b = byte.first else { break }
            line.append(b)
        }
        let address = String(decoding: line.dropLast(), as: UTF8.self)
        #expect(TCPEndpoint(portArgument: address)?.host == "127.0.0.1")
        let result = try BedsideTool.run(["run", "--port", address, "--driver", "bbraun-bcc", "--seconds", "5",
                                          "--format", "ndjson", "--no-reconnect"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.contains { $0.contains("\"kind\":\"pump-channel\"") && $0.contains("Ketamine") })
        sim.process.interrupt()
        sim.process.waitUntilExit()
        #expect(sim.process.terminationStatus == 0)
    }

    @Test("A refused connection says what to check",
          .enabled(if: BedsideTool.available, "build the bedside executable first (swift build)"))
    func refused() throws {
        // Port 1 on loopback: nothing listens there.
        let result = try BedsideTool.run(["run", "--port", "tcp://127.0.0.1:1", "--driver", "bbraun-bcc", "--seconds", "2",
                                          "--no-reconnect"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot connect to tcp://127.0.0.1:1"))
    }
}
