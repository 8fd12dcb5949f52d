import ArgumentParser
import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Decode a recorded session offline and print the readings.",
        discussion: """
            Recognizes the file by its content: a capture (.bbcap, whose header names the driver, so
            --driver may be left out), an IntelliVue serial log (timestamped frames), or a raw dump of
            what the device sent (--raw forces this; --driver is then required).

            The driver runs on the capture's own clock, so the same file always gives the same feed.
            When the capture holds what the bridge sent (tx), the driver transmits too and what it
            sends is checked against the recording: the summary on stderr says how it compared, and
            a difference is an error (exit status 1). A recording without tx (a log, a raw dump, a
            listen-only session) is replayed with the driver listening only.

            FILE may be - (standard input): it is streamed, so a pipe or a dump of any size replays
            in a few MB. Damage does not stop the replay: every intact record or frame is decoded,
            and each skipped byte range is named on stderr as damaged or cut short.

            Exit status: 0 when everything decoded; 3 when byte ranges were skipped (0 with
            --accept-partial, still reported); 1 on any failure (unreadable file, wrong driver,
            a transmit check that differs).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The capture, log or dump to replay (- for standard input).")
    var file: String
    @Option(help: "Driver registry name (see `bedside drivers`); default: the one the capture names.")
    var driver: String?
    @OptionGroup var tuning: DriverTuningOptions
    @Flag(help: "Treat the file as a raw rx-only dump, whatever it looks like.")
    var raw = false
    @Option(help: "Output format: ndjson or table (default: table on a terminal, ndjson otherwise).")
    var format: FeedFormat?

    @Flag(help: "Exit with status 0 even when byte ranges were skipped (they are still reported on stderr).")
    var acceptPartial = false

    func run() async throws {
        global.bootstrap()
        var status = ReplayExitStatus.complete
        try await reportingErrors {
            let source = try ReplaySource.open(path: file, forceRaw: raw, driver: driver)
            let configuration = try tuning.configuration(transmitEnabled: try source.input.hasTransmitChunks())
            let out = ReplayFeedOutput(format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson),
                                       identity: source.identity)
            let started = BridgeClock.monotonicNanoseconds()
            let report = try await Self.replay(source.driverType.supervised(configuration: configuration), source.input, into: out)
            try await out.finish()
            let milliseconds = Double(BridgeClock.monotonicNanoseconds() - started) / 1e6
            let summary = ReplaySummary(report: report, input: source.input, records: out.recordsWritten,
                                        milliseconds: milliseconds)
            for line in summary.lines { Console.note(line) }
            if case .transmitMismatch(let message) = summary.outcome { throw CommandFailure(message) }
            status = summary.exitStatus(acceptPartial: acceptPartial)
        }
        if status != ReplayExitStatus.complete { throw ExitCode(status) }
    }

    /// Streams every chunk through ``OfflineReplay``; records are written as they come.
    static func replay<Driver: DeviceDriver>(_ driver: Driver, _ input: ReplayInput, into out: ReplayFeedOutput)
        async throws -> OfflineReplayReport
    {
        var replay = OfflineReplay(driver: driver, startTime: input.header.startTime,
                                   observe: out.emit, onIdentity: { out.apply($0) })
        return try await replay.runToEnd(input.chunks, observe: out.emit, afterEachChunk: { try await out.flushIfFull() })
    }
}
