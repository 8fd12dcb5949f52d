import BedsidePlatform
import BedsideDriver
import BedsideModel
import Logging

/// What `bedside demo` does: simulated devices on pseudo-terminals, placed at chairs by ``DemoLayout``, the bridge on those ttys
/// exactly as on real serial ports, the feed on stdout. Every record says the data is simulated.
public struct DemoSession: Sendable {
    public var devices: [String]
    public var speed: Double
    public var seed: UInt64
    public var seconds: Double?
    public var format: FeedFormat
    /// The durable store and forwarding sinks (none by default).
    public var forwarding: ForwardingConfiguration = .none

    public init(devices: [String], speed: Double, seed: UInt64, seconds: Double?, format: FeedFormat) {
        self.devices = devices
        self.speed = speed
        self.seed = seed
        self.seconds = seconds
        self.format = format
    }

    public func run() async throws {
        try OptionCheck.speed(speed)
        try OptionCheck.runSeconds(seconds)
        try ResourceExhaustion.reserveDescriptors(UInt64(devices.count) * descriptorsPerSimulatedDevice * 2,
                                                  for: "\(devices.count) simulated devices and their bridge ports")
        let logger = Logger(label: "bedside.demo")
        let clock = BridgeClock()
        let forwarding = try ForwardingService(self.forwarding, logger: logger)
        let bus = forwarding.bus
        let subscription = bus.subscribe(name: "stdout")
        var simulated: [SimulatedDevice] = []
        var ports: [OpenedPort] = []
        do {
            for (i, place) in DemoLayout.placement(of: devices).enumerated() {
                let config = SimulatorConfiguration(seed: seed &+ UInt64(i), scenarioSpeed: speed)
                let device = try await SimulatedDevice.start(driver: place.driver, configuration: config, clock: clock)
                simulated.append(device)
                let driver = try DriverSetup(name: place.driver,
                                             configuration: DriverConfiguration(deviceTimeZone: SystemTimeZone.current))
                ports.append(try await openPort(
                    path: device.devicePath, driver: driver, settings: SimulatedDevice.lineSettings(for: driver.type),
                    location: place.chair, bus: bus, clock: clock, simulated: true))
                logger.info("\(place.chair): simulated \(place.driver) on \(device.devicePath)")
            }
        } catch {
            simulated.forEach { $0.stop() }
            ports.forEach { $0.stop() }
            throw error
        }
        if format == .ndjson && Console.stderrIsTerminal {
            Console.note("SIMULATED DATA: every record below comes from a simulator (device.simulated = true), not a patient")
        }
        let sims = simulated
        let bridgePorts = ports
        try await withThrowingTaskGroup(of: Void.self) { group in
            for device in sims { group.addTask { _ = try await device.run() } }
            let outcome = await forwarding.outcome { try await runBridge(ports: bridgePorts, bus: bus, subscription: subscription,
                                                             format: format, clock: clock, seconds: seconds, logger: logger) }
            _ = try outcome.get()  // the store committed what the bus handed it, the sinks ended
            // The bridge has sent its stop requests; now the devices go away.
            sims.forEach { $0.stop() }
            try await group.waitForAll()
        }
    }
}

/// What `bedside simulate` does: `count` simulators, each on its own pseudo-terminal, until a
/// stop signal; the tty paths are printed one per line.
public struct SimulatorFarm: Sendable {
    public var driver: String
    public var speed: Double
    public var seed: UInt64
    public var options: [String]
    public var count: Int
    public var capture: String?

    /// Most simulators one process hosts (each needs descriptors; the open-file limit is checked too).
    public static let countRange: ClosedRange<Int> = 1...4096

    public init(driver: String, speed: Double, seed: UInt64, options: [String], count: Int, capture: String?) {
        self.driver = driver
        self.speed = speed
        self.seed = seed
        self.options = options
        self.count = count
        self.capture = capture
    }

    /// Checks the numbers, before anything is started.
    public func validate() throws(OptionCheck.Failure) {
        try OptionCheck.speed(speed)
        try OptionCheck.whole(count, option: "--count", in: Self.countRange, what: "devices")
    }

    public func run() async throws {
        try validate()
        guard capture == nil || count == 1 else {
            throw CommandFailure("--capture records one device: use it with --count 1", exitStatus: .usage)
        }
        let parsed = try parseKeyValueOptions(options)
        _ = try DriverCatalog.registry.driverType(named: driver)
        try ResourceExhaustion.reserveDescriptors(UInt64(count) * descriptorsPerSimulatedDevice,
                                                  for: "\(count) simulated devices")
        let clock = BridgeClock()
        var devices: [SimulatedDevice] = []
        do {
            for i in 0..<count {
                let config = SimulatorConfiguration(seed: seed &+ UInt64(i), scenarioSpeed: speed, options: parsed)
                devices.append(try await SimulatedDevice.start(driver: driver, configuration: config, clock: clock,
                                                               capture: capture))
            }
        } catch {
            devices.forEach { $0.terminal.close() }
            throw error
        }
        for device in devices { Console.out(device.devicePath) }
        if Console.stderrIsTerminal {
            Console.note("simulating \(count == 1 ? "" : "\(count) × ")\(driver) on "
                + (count == 1 ? devices[0].devicePath : "the ttys above") + "; Ctrl-C to stop")
        }
        let all = devices
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                for await _ in ShutdownSignals.stream() { break }
                all.forEach { $0.stop() }
                return nil
            }
            for device in all {
                group.addTask { try await device.run().endedBy.map { "\(device.devicePath): \($0)" } }
            }
            var failures: [String] = []
            for _ in 0..<all.count {
                if let failure = try await group.next() ?? nil { failures.append(failure) }
            }
            group.cancelAll()
            if let first = failures.first { throw CommandFailure("the simulator stopped: \(first)") }
        }
    }
}
