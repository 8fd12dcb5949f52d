import BedsidePlatform
import BedsideDriver
import BedsideModel
import Glibc
import Logging

/// Time from a simulated device writing a frame to its pty, to the first record decoded from it
/// reaching a bus subscriber: kernel pty transfer, NIO read, driver, bus. Link events and the
/// ledger's own re-statements and snapshots are not counted.
///
/// The simulator is hosted in this process; each write is timestamped just before the write call,
/// and every record is attributed to the latest write before it arrived (frames are far apart
/// compared with the latency, so the attribution is unambiguous; a write that produced no record,
/// such as a handshake answer, produces no sample).
public struct LatencyBench {
    var driver: String
    var seconds: Double
    var speed: Double

    public struct Result {
        public var samples: [Double]  // microseconds
        public var records: Int
    }

    public init(driver: String, seconds: Double, speed: Double) {
        self.driver = driver
        self.seconds = seconds
        self.speed = speed
    }

    public func run() async throws -> Result {
        let clock = BridgeClock()
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "latency", bufferSize: 1 << 20)
        let writes = TimeLog()
        let registry = DriverCatalog.registry
        let setup = try DriverSetup(name: driver, configuration: DriverConfiguration())
        let simulator = try registry.makeSimulator(
            named: driver, configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: speed))
        let device = try await SimulatedDevice.start(
            driver: driver, simulator: simulator, clock: clock, onTransmit: { _ in writes.append(BridgeClock.monotonicNanoseconds()) })
        let port = try await openPort(
            path: device.devicePath, driver: setup, settings: SimulatedDevice.lineSettings(for: setup.type), location: nil,
            bus: bus, clock: clock, simulated: true)

        let arrivals = Task { () -> [Int64] in
            var times: [Int64] = []
            for await event in subscription {
                let now = BridgeClock.monotonicNanoseconds()
                if case .record(let r) = event, r.observation.reportsWhatTheDeviceSent { times.append(now) }
            }
            return times
        }
        async let simulated = device.run()
        async let session = port.pipeline.run(on: port.channel)
        try await Task.sleep(for: .seconds(seconds))
        port.pipeline.stop()
        _ = try await session
        device.stop()
        _ = try await simulated
        bus.finish()
        let arrivalTimes = await arrivals.value

        let writeTimes = writes.values
        var firstArrival: [Int: Int64] = [:]  // write index → first record time
        var w = 0
        for t in arrivalTimes {
            while w + 1 < writeTimes.count, writeTimes[w + 1] <= t { w += 1 }
            guard w < writeTimes.count, writeTimes[w] <= t else { continue }
            if firstArrival[w] == nil { firstArrival[w] = t }
        }
        let samples = firstArrival.sorted { $0.key < $1.key }.map { Double($0.value - writeTimes[$0.key]) / 1000 }
        if getenv("BEDSIDE_BENCH_TRACE") != nil { print(samples.map { Int($0) }) }
        return Result(samples: samples, records: arrivalTimes.count)
    }
}

/// Append-only list of monotonic times, written from the simulator's task.
final class TimeLog: Sendable {
    private let times = Locked<[Int64]>([])
    func append(_ t: Int64) { times.withLock { $0.append(t) } }
    var values: [Int64] { times.withLock { $0 } }
}

extension Observation {
    /// Whether the record reports what the device just sent: not a link event, and not a
    /// re-statement, snapshot or alarm end the bridge makes on its own clock or on link loss
    /// (attributed to the last write, those would count the time since that write as latency).
    var reportsWhatTheDeviceSent: Bool {
        switch self {
        case .link, .snapshot: false
        case .numeric(let r): r.ageNanoseconds == nil
        case .alarm(let a): a.endReason == nil
        default: true
        }
    }
}
