import ArgumentParser
import BedsideDriver
import BedsideRuntime
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Simulated monitors on pseudo-terminals, the bridge on them, a live table.",
        discussion: """
            Starts a simulated GE Datex-Ohmeda S/5 at chair-1 and a simulated Philips IntelliVue at
            chair-2, each on its own pseudo-terminal, and runs the bridge on those ttys exactly as on
            real serial ports. Runs until Ctrl-C, or for --seconds.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Stop by itself after this many seconds.")
    var seconds: Double?
    @Option(help: "Output format: table or ndjson.")
    var format: FeedFormat = .table
    @Option(help: "How fast the simulated scenarios run relative to real time.")
    var speed: Double = 1
    @Option(help: "Seed for the simulated variation.")
    var seed: UInt64 = 1
    @Option(name: .customLong("device"), parsing: .singleValue,
            help: "A simulated device to include, by driver name (repeatable; default: ge-datex and intellivue).")
    var devices: [String] = ["ge-datex", "intellivue"]

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            guard speed > 0 else { throw CommandFailure("--speed must be greater than 0") }
            let logger = Logger(label: "bedside.demo")
            let clock = BridgeClock()
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "stdout")
            var simulated: [SimulatedDevice] = []
            var ports: [OpenedPort] = []
            do {
                for (i, name) in devices.enumerated() {
                    let config = SimulatorConfiguration(seed: seed &+ UInt64(i), scenarioSpeed: speed)
                    let device = try await SimulatedDevice.start(driver: name, configuration: config, clock: clock)
                    simulated.append(device)
                    let driverType = try DriverCatalog.registry.driverType(named: name)
                    ports.append(try await openPort(
                        path: device.devicePath, driverType: driverType, configuration: DriverConfiguration(),
                        settings: SimulatedDevice.lineSettings(for: driverType), location: "chair-\(i + 1)",
                        bus: bus, clock: clock))
                    logger.info("chair-\(i + 1): simulated \(name) on \(device.devicePath)")
                }
            } catch {
                simulated.forEach { $0.stop() }
                throw error
            }
            let sims = simulated
            try await withThrowingTaskGroup(of: Void.self) { group in
                for device in sims { group.addTask { _ = try await device.run() } }
                _ = try await runBridge(ports: ports, bus: bus, subscription: subscription, format: format,
                                        clock: clock, seconds: seconds, logger: logger)
                // The bridge has sent its stop requests; now the devices go away.
                sims.forEach { $0.stop() }
                try await group.waitForAll()
            }
        }
    }
}
