import ArgumentParser
import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Decode a recorded session offline and print the readings.",
        discussion: """
            Recognizes the file by its content: an IntelliVue serial log (timestamped frames), or a raw
            dump of what the device sent (--raw forces this). The driver only listens, so the replay is
            deterministic: the same file always gives the same feed. A summary goes to stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The capture or dump to replay.")
    var file: String
    @OptionGroup var driverOptions: DriverOptions
    @Flag(help: "Treat the file as a raw rx-only dump, whatever it looks like.")
    var raw = false
    @Option(help: "Output format: ndjson or table (default: table on a terminal, ndjson otherwise).")
    var format: FeedFormat?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let driverType = try DriverCatalog.registry.driverType(named: driverOptions.driver)
            guard let bytes = readWholeFile(file) else {
                throw CommandFailure("cannot read \(file): check the path and its permissions")
            }
            let kind = raw ? .raw : ReplayInput.detect(bytes)
            let descriptor = driverType.descriptor
            let chunks: [CaptureChunk]
            switch kind {
            case .raw:
                chunks = ReplayInput.rawChunks(bytes, settings: descriptor.defaultSerialSettings,
                                               base: Timestamp(nanosecondsSinceEpoch: 0))
            case .intelliVueLog:
                chunks = try ReplayInput.intelliVueLogChunks(bytes)
            }
            let identity = DeviceIdentity(driver: descriptor.name, vendor: descriptor.vendor, port: file)
            var out = ReplayFeedOutput(format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson), identity: identity)
            let started = BridgeClock.monotonicNanoseconds()
            let counters = try await decode(driverType.init(configuration: try driverOptions.configuration(transmitEnabled: false)),
                                            chunks: chunks, into: &out)
            try await out.finish()
            let seconds = Double(BridgeClock.monotonicNanoseconds() - started) / 1e9
            var summary = "replayed \(file) (\(kind.rawValue)): \(bytes.count) bytes in \(chunks.count) chunks → \(out.recordsWritten) records in \(Stats.format(seconds * 1000, decimals: 1)) ms"
            if kind == .raw { summary += "; a raw dump has no timing, so host times count from 1970-01-01 at the nominal line rate" }
            if kind == .intelliVueLog { summary += "; the log's stamps carry no time zone and are taken as UTC" }
            Console.note(summary)
            if !counters.isEmpty {
                Console.note("driver counters: " + counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
    }

    private func decode<D: DeviceDriver>(_ driver: D, chunks: [CaptureChunk], into out: inout ReplayFeedOutput) async throws
        -> [String: Int]
    {
        var decoder = OfflineDecode(driver: driver)
        try await decoder.run(chunks) { update, observations in
            if let update { out.apply(update) }
            try await out.emit(observations)
        }
        return decoder.counters
    }
}
