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
    @Option(name: .customLong("latency-driver"),
            help: "Measure latency with this driver's simulator only (repeatable; default: every simulator). An IntelliVue monitor sends about five frames a second, so 240 s gives over 1,000.")
    var latencyDrivers: [String] = []
    @Option(help: "Simulated devices for the CPU/memory measurement (0 skips it).")
    var devices: Int = 128
    @Option(help: "Seconds of CPU/memory measurement.")
    var devicesSeconds: Double = 10

    private var report: BenchReport {
        BenchReport(driver: driver, repetitions: repetitions, latencySeconds: latencySeconds, latencySpeed: latencySpeed,
                    latencyDrivers: latencyDrivers, devices: devices, devicesSeconds: devicesSeconds)
    }

    func validate() throws {
        try validating { try report.validate() }
    }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            try replayBench()
            try await report.latency()
            try await report.deviceCost()
        }
    }

    /// Finds and reads the recording (reading recordings is the replay command's job), then has
    /// the report measure it.
    private func replayBench() throws {
        guard let path = capture ?? SharedCaptureFolder.defaultBenchCapture, access(path, R_OK) == 0 else {
            Console.out("replay: skipped (no capture; pass a path, or put the shared captures at ../shared/captures)")
            return
        }
        try InputFile.requireNonEmpty(path)
        // --driver (default ge-datex) decodes a raw dump; a capture or log names its own driver.
        let isRaw = try CaptureFormatSniffer.kind(ofFileAt: path) == .rawBytes
        let source = try ReplaySource.open(path: path, forceRaw: false, driver: isRaw ? driver : nil)
        let chunks = try source.allChunks()
        // How long the recording lasted: from its own time stamps when it has them; a raw dump has
        // none, so the span of the device's clock in the decoded records stands in.
        var recordedSeconds: Double?
        if source.kind != .rawBytes, let first = chunks.first, let last = chunks.last {
            recordedSeconds = Double(last.time.nanoseconds(since: first.time)) / 1e9
        }
        try report.replay(path: path, chunks: chunks, driverName: source.driverType.descriptor.name,
                          recordedSeconds: recordedSeconds)
    }
}
