import ArgumentParser
import BedsideCapture
import BedsideModel
import BedsideRuntime
import Glibc

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure replay throughput, tty→subscriber latency and per-device cost.",
        discussion: """
            1. Offline replay of a raw capture (default: the largest GE capture in ../shared/captures),
               repeated: median MB/s and real-time factor (capture duration / replay time).
            2. Latency from a simulated monitor writing a frame to its pty until the first record
               decoded from it reaches a bus subscriber: p50/p99.
            3. CPU (% of one core) and resident memory of the bridge serving N simulated devices
               (the simulators run in a separate process).
            Build with `swift build -c release` for meaningful figures. BEDSIDE_BENCH_TRACE=1 prints
            every latency sample (µs, in frame order).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A capture, IntelliVue log or raw dump to replay (default: ../shared/captures/ge-datex-s5/b650-db02-pycollect.raw).")
    var capture: String?
    @Option(help: "Driver for a raw dump to replay (a capture or log names its own).")
    var driver: String = "ge-datex"
    @Option(name: .customLong("repeat"), help: "Replay repetitions.")
    var repetitions: Int = 20
    @Option(help: "Seconds of latency measurement per simulator (0 skips it). A GE monitor sends about one frame a second.")
    var latencySeconds: Double = 30
    @Option(help: "Simulator speed during the latency measurement (more frames per second).")
    var latencySpeed: Double = 1
    @Option(help: "Simulated devices for the CPU/memory measurement (0 skips it).")
    var devices: Int = 128
    @Option(help: "Seconds of CPU/memory measurement.")
    var devicesSeconds: Double = 10

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            try await replayBench()
            if latencySeconds > 0 { try await latencyBench() }
            if devices > 0 { try await devicesBench() }
        }
    }

    private func replayBench() async throws {
        guard let path = capture ?? SharedData.defaultBenchCapture, access(path, R_OK) == 0 else {
            Console.out("replay: skipped (no capture; pass a path, or put the shared captures at ../shared/captures)")
            return
        }
        // --driver (default ge-datex) decodes a raw dump; a capture or log names its own driver.
        let isRaw = try CaptureFormatSniffer.kind(ofFileAt: path) == .rawBytes
        let source = try ReplaySource.open(path: path, forceRaw: false, driver: isRaw ? driver : nil)
        let chunks = try source.allChunks()
        let rxBytes = chunks.reduce(0) { $0 + ($1.direction == .rx ? $1.bytes.count : 0) }
        // How long the recording lasted: from its own time stamps when it has them; a raw dump has
        // none, so the span of the device's clock in the decoded records stands in.
        var recordedSeconds: Double?
        if source.kind != .rawBytes, let first = chunks.first, let last = chunks.last {
            recordedSeconds = Double(last.time.nanoseconds(since: first.time)) / 1e9
        }
        var result = try ReplayBench(chunks: chunks.filter { $0.direction == .rx }, driver: source.driverType.descriptor.name, repetitions: max(1, repetitions)).run()
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

    private func latencyBench() async throws {
        for name in ["ge-datex", "intellivue"] where DriverCatalog.registry.simulators.contains(where: { $0.driverName == name }) {
            let result = try await LatencyBench(driver: name, seconds: latencySeconds, speed: latencySpeed).run()
            Console.out("latency tty→subscriber (\(name) simulator on a pty, \(Stats.format(latencySeconds, decimals: 0)) s, \(result.samples.count) frames, \(result.records) records):")
            Console.out("  p50 \(Stats.format(Stats.quantile(result.samples, 0.5))) µs, p99 \(Stats.format(Stats.quantile(result.samples, 0.99))) µs, max \(Stats.format(result.samples.max() ?? .nan)) µs")
        }
    }

    private func devicesBench() async throws {
        let name = driver
        let result = try await DeviceCountBench(driver: name, devices: devices, seconds: devicesSeconds).run()
        let rss = result.residentBytes.map { Stats.format(Double($0) / 1_048_576) + " MiB" } ?? "n/a"
        Console.out("\(devices) simulated \(name) devices for \(Stats.format(result.seconds)) s (simulators in a separate process):")
        Console.out("  bridge CPU \(Stats.format(result.cpuPercentOfOneCore)) % of one core, RSS \(rss), \(result.records) records (\(Stats.format(Double(result.records) / result.seconds, decimals: 0))/s)")
    }
}

/// Where the shared real captures live: `$BEDSIDE_SHARED`, else `../shared` next to the current
/// directory (the package root when run from there).
enum SharedData {
    static var folder: String? {
        if let env = getenv("BEDSIDE_SHARED") { return String(cString: env) }
        for candidate in ["../shared", "../../shared"] where access(candidate + "/captures", R_OK) == 0 {
            return candidate
        }
        return nil
    }

    static var defaultBenchCapture: String? {
        folder.map { $0 + "/captures/ge-datex-s5/b650-db02-pycollect.raw" }
    }
}
