import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import Logging

/// CPU and memory of the bridge serving N simulated devices.
///
/// The simulators run in a child process (`bedside simulate DRIVER --count N`), so the figures
/// are the bridge's alone: N pipelines reading N ptys, decoding, publishing to one bus with one
/// subscriber that drains the feed (as the NDJSON output would, minus the terminal).
public struct DeviceCountBench {
    var driver: String
    var devices: Int
    var seconds: Double
    var warmUp: Double = 3

    public struct Result {
        public var cpuPercentOfOneCore: Double
        public var residentBytes: Int?
        public var records: Int
        public var seconds: Double
    }

    public init(driver: String, devices: Int, seconds: Double) {
        self.driver = driver
        self.devices = devices
        self.seconds = seconds
    }

    public func run() async throws -> Result {
        let child = try ChildProcess(executable: currentExecutablePath(),
                                     arguments: ["simulate", driver, "--count", "\(devices)", "--log-level", "error"])
        defer { child.interruptAndWait() }
        var paths: [String] = []
        for _ in 0..<devices {
            guard let line = child.readLine() else { throw CommandFailure("the simulator process ended early") }
            paths.append(line)
        }
        let clock = BridgeClock()
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "bench")
        let setup = try DriverSetup(name: driver, configuration: DriverConfiguration())
        try ResourceExhaustion.reserveDescriptors(UInt64(devices) * 2, for: "\(devices) bridge ports")
        var ports: [OpenedPort] = []
        for path in paths {
            ports.append(try await openPort(
                path: path, driver: setup, settings: SimulatedDevice.lineSettings(for: setup.type), location: nil, bus: bus,
                clock: clock, simulated: true))
        }
        let counter = Task { () -> Int in
            var n = 0
            for await _ in subscription { n += 1 }
            return n
        }
        let running = ports
        let sessions = Task {
            await withTaskGroup(of: Void.self) { group in
                for port in running { group.addTask { _ = try? await port.pipeline.run(on: port.channel) } }
            }
        }
        try await Task.sleep(for: .seconds(warmUp))
        let cpu0 = ProcessUsage.cpuSeconds()
        let t0 = BridgeClock.monotonicNanoseconds()
        let seq0 = bus.lastSeq
        try await Task.sleep(for: .seconds(seconds))
        let cpu1 = ProcessUsage.cpuSeconds()
        let t1 = BridgeClock.monotonicNanoseconds()
        let seq1 = bus.lastSeq
        let rss = ProcessUsage.residentBytes()
        running.forEach { $0.pipeline.stop() }
        await sessions.value
        bus.finish()
        _ = await counter.value
        let wall = Double(t1 - t0) / 1e9
        return Result(cpuPercentOfOneCore: (cpu1 - cpu0) / wall * 100, residentBytes: rss,
                      records: Int(seq1 - seq0), seconds: wall)
    }
}
