import BedsidePlatform
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

    @Option(help: ArgumentHelp(
        "When a raw dump's first byte was received (RFC 3339, e.g. 2026-12-04T09:30:00+01:00). Default: found from the first device time in the dump.",
        valueName: "time"))
    var start: String?

    func run() async throws {
        global.bootstrap()
        var status = ReplayExitStatus.complete
        try await reportingErrors {
            if file != "-" { try InputFile.requireNonEmpty(file) }
            let startTime = try start.map { text throws(CommandFailure) -> Timestamp in
                guard let t = Timestamp(rfc3339: text) else {
                    throw CommandFailure("--start \(text) is not an RFC 3339 time such as 2026-12-04T09:30:00+01:00",
                                         exitStatus: .usage)
                }
                return t
            }
            var source = try ReplaySource.open(path: file, forceRaw: raw, driver: driver, rawStartTime: startTime)
            var configuration = try tuning.configuration(transmitEnabled: try source.input.hasTransmitChunks())
            if let verdict = source.sniffed {
                Console.note("\(file): \(verdict.explanation)")
                configuration.options.merge(source.sniffedOptions) { given, _ in given }
            }
            if source.kind == .rawBytes, startTime == nil {
                source = try Self.anchored(source, configuration: configuration)
            }
            let out = ReplayFeedOutput(format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson),
                                       identity: source.identity, header: source.header)
            let started = BridgeClock.monotonicNanoseconds()
            let decoder = try DriverCatalog.registry.makeDriver(named: source.input.driverName, configuration: configuration)
            let report = try await Self.replay(decoder, source.input, into: out)
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

    /// A raw dump holds no host timing: rather than date its records 1970, the replay starts where
    /// the device's own clock puts it (``RawDumpAnchor``), or refuses with advice when it cannot tell.
    static func anchored(_ source: ReplaySource, configuration: DriverConfiguration) throws -> ReplaySource {
        guard source.input.canReopen else {
            throw CommandFailure("a raw dump on standard input carries no time and cannot be read twice to find one: "
                                 + "pass --start with when it was recorded", exitStatus: .usage)
        }
        let probe = try ReplaySource.open(path: source.path, forceRaw: true, driver: source.input.driverName)
        let decoder = try DriverCatalog.registry.makeDriver(named: source.input.driverName, configuration: configuration)
        guard let anchor = try RawDumpAnchor.startTime(of: probe.input.chunks, decodedBy: decoder) else {
            throw CommandFailure("\(source.path) is a raw dump without host timing, and no device time appears in its first "
                                 + "\(RawDumpAnchor.defaultByteLimit >> 20) MiB to date it by: pass --start with when it was recorded",
                                 exitStatus: .usage)
        }
        Console.note("\(source.path): a raw dump has no host timing; its records are dated from the device's clock "
                     + "(first byte at \(anchor.rfc3339); --start overrides)")
        return try ReplaySource.open(path: source.path, forceRaw: true, driver: source.input.driverName, rawStartTime: anchor)
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
