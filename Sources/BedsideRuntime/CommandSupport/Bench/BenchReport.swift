import BedsideCapture
import Glibc

/// What `bedside bench` measures and prints (the command only parses its arguments and finds the
/// recording to replay).
public struct BenchReport: Sendable {
    public var driver: String
    public var repetitions: Int
    public var latencySeconds: Double
    public var latencySpeed: Double
    /// Simulators whose latency is measured; empty: every registered one.
    public var latencyDrivers: [String]
    public var devices: Int
    public var devicesSeconds: Double

    public init(driver: String, repetitions: Int, latencySeconds: Double, latencySpeed: Double,
                latencyDrivers: [String] = [], devices: Int, devicesSeconds: Double) {
        self.driver = driver
        self.repetitions = repetitions
        self.latencySeconds = latencySeconds
        self.latencySpeed = latencySpeed
        self.latencyDrivers = latencyDrivers
        self.devices = devices
        self.devicesSeconds = devicesSeconds
    }

    private var latencySimulators: [String] {
        latencyDrivers.isEmpty ? DriverCatalog.registry.simulators.map { $0.driverName } : latencyDrivers
    }

    /// Checks every number before anything runs.
    public func validate() throws(OptionCheck.Failure) {
        try OptionCheck.whole(repetitions, option: "--repeat", in: 1...100_000, what: "repetitions")
        if latencySeconds != 0 {
            try OptionCheck.number(latencySeconds, option: "--latency-seconds", in: 0.001...86_400, what: "seconds",
                                   hint: "0 skips the measurement")
        }
        try OptionCheck.speed(latencySpeed, option: "--latency-speed")
        let simulated = DriverCatalog.registry.simulators.map { $0.driverName }
        for name in latencyDrivers where !simulated.contains(name) {
            throw OptionCheck.Failure(option: "--latency-driver", value: name,
                                      requirement: "a driver with a simulator: \(simulated.joined(separator: ", "))")
        }
        try OptionCheck.whole(devices, option: "--devices", in: 0...SimulatorFarm.countRange.upperBound, what: "devices",
                              hint: "0 skips the measurement")
        try OptionCheck.number(devicesSeconds, option: "--devices-seconds", in: 0.001...86_400, what: "seconds")
    }

    /// Prints the offline replay figures of `chunks` (a recording's rx and tx chunks).
    public func replay(path: String, chunks: [CaptureChunk], driverName: String, recordedSeconds: Double?) throws {
        let rxBytes = chunks.reduce(0) { $0 + ($1.direction == .rx ? $1.bytes.count : 0) }
        var result = try ReplayBench(chunks: chunks.filter { $0.direction == .rx }, driver: driverName,
                                     repetitions: repetitions).run()
        if let recordedSeconds { result.captureSeconds = recordedSeconds }
        let mb = Double(rxBytes) / 1e6
        let decode = Stats.median(result.decodeSeconds)
        let encode = Stats.median(result.encodeSeconds)
        Console.out("replay: \(path)")
        Console.out("  \(rxBytes) bytes received from the device, \(result.observations) observations, \(repetitions) runs")
        Console.out("  decode:          median \(Stats.format(mb / decode)) MB/s (\(Stats.format(decode * 1000, decimals: 2)) ms per run)")
        Console.out("  decode + NDJSON: median \(Stats.format(mb / encode)) MB/s (\(Stats.format(encode * 1000, decimals: 2)) ms per run)")
        if let span = result.captureSeconds {
            Console.out("  the recording spans \(Stats.format(span)) s: real-time factor \(Stats.format(span / decode, decimals: 0))× (decode), \(Stats.format(span / encode, decimals: 0))× (with NDJSON)")
        }
    }

    /// Prints tty→subscriber latency for each of `latencyDrivers` (every registered simulator when empty).
    public func latency() async throws {
        guard latencySeconds > 0 else { return }
        for name in latencySimulators {
            let result = try await LatencyBench(driver: name, seconds: latencySeconds, speed: latencySpeed).run()
            Console.out("latency tty→subscriber (\(name) simulator on a pty, \(Stats.format(latencySeconds, decimals: 0)) s, \(result.samples.count) frames, \(result.records) records):")
            Console.out("  p50 \(Stats.format(Stats.quantile(result.samples, 0.5))) µs, p99 \(Stats.format(Stats.quantile(result.samples, 0.99))) µs, max \(Stats.format(result.samples.max() ?? .nan)) µs")
        }
    }

    /// Prints the bridge's CPU and memory while serving `devices` simulated devices.
    public func deviceCost() async throws {
        guard devices > 0 else { return }
        let result = try await DeviceCountBench(driver: driver, devices: devices, seconds: devicesSeconds).run()
        let rss = result.residentBytes.map { Stats.format(Double($0) / 1_048_576) + " MiB" } ?? "n/a"
        Console.out("\(devices) simulated \(driver) devices for \(Stats.format(result.seconds)) s (simulators in a separate process):")
        Console.out("  bridge CPU \(Stats.format(result.cpuPercentOfOneCore)) % of one core, RSS \(rss), \(result.records) records (\(Stats.format(Double(result.records) / result.seconds, decimals: 0))/s)")
    }
}

/// Where the shared real captures live: `$BEDSIDE_SHARED`, else `../shared` next to the current
/// directory (the package root when run from there).
public enum SharedCaptureFolder {
    public static var folder: String? {
        if let env = getenv("BEDSIDE_SHARED") { return String(cString: env) }
        for candidate in ["../shared", "../../shared"] where access(candidate + "/captures", R_OK) == 0 {
            return candidate
        }
        return nil
    }

    public static var defaultBenchCapture: String? {
        folder.map { $0 + "/captures/ge-datex-s5/b650-db02-pycollect.raw" }
    }
}
