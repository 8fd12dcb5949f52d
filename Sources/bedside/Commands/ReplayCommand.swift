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
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The capture, log or dump to replay.")
    var file: String
    @Option(help: "Driver registry name (see `bedside drivers`); default: the one the capture names.")
    var driver: String?
    @OptionGroup var tuning: DriverTuningOptions
    @Flag(help: "Treat the file as a raw rx-only dump, whatever it looks like.")
    var raw = false
    @Option(help: "Output format: ndjson or table (default: table on a terminal, ndjson otherwise).")
    var format: FeedFormat?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let source = try ReplaySource.open(path: file, forceRaw: raw, driver: driver)
            let transmits = try source.hasTransmitChunks()
            let configuration = try tuning.configuration(transmitEnabled: transmits)
            let out = ReplayFeedOutput(format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson),
                                       identity: source.identity)
            let started = BridgeClock.monotonicNanoseconds()
            let report = try await Self.replay(source.driverType.supervised(configuration: configuration), source, into: out)
            try await out.finish()
            let milliseconds = Double(BridgeClock.monotonicNanoseconds() - started) / 1e6
            try Self.summarize(report, source: source, records: out.recordsWritten, milliseconds: milliseconds)
        }
    }

    /// Feeds every chunk through ``OfflineReplay``; records are written as they come.
    static func replay<Driver: DeviceDriver>(_ driver: Driver, _ source: ReplaySource, into out: ReplayFeedOutput)
        async throws -> OfflineReplayReport
    {
        var replay = OfflineReplay(driver: driver, startTime: source.header.startTime,
                                   observe: out.emit, onIdentity: { out.apply($0) })
        var warnings: [CaptureWarning] = []
        switch source.chunks {
        case .stream(let reader):
            while let chunk = try reader.next() {
                chunk.bytes.withUnsafeBytes { replay.feed(chunk.direction, time: chunk.time, bytes: $0, observe: out.emit) }
                try await out.flushIfFull()
            }
            warnings = reader.warnings
        case .memory(let chunks):
            for chunk in chunks {
                chunk.bytes.withUnsafeBytes { replay.feed(chunk.direction, time: chunk.time, bytes: $0, observe: out.emit) }
                try await out.flushIfFull()
            }
        }
        var report = replay.finish(observe: out.emit)
        report.readerWarnings += warnings
        return report
    }

    /// The summary on stderr; throws when the driver's transmissions differ from the recording.
    static func summarize(_ report: OfflineReplayReport, source: ReplaySource, records: UInt64,
                          milliseconds: Double) throws {
        var summary = "replayed \(source.path) (\(source.kindDescription), \(source.driverType.descriptor.name)): "
            + "\(report.receivedBytes) bytes received in \(report.chunks) chunks → \(records) records in "
            + "\(Stats.format(milliseconds, decimals: 1)) ms"
        switch source.kind {
        case .rawBytes:
            summary += "; a raw dump has no timing, so host times count from 1970-01-01 at the nominal line rate"
        case .intelliVueSerialLog:
            summary += "; the log's stamps carry no time zone and are taken as UTC"
        case .bbcap:
            break
        }
        Console.note(summary)
        if !report.counters.isEmpty {
            Console.note("driver counters: " + report.counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: " "))
        }
        for warning in report.readerWarnings { Console.note("warning: \(warning)") }
        if report.clampedChunks > 0 {
            Console.note("warning: \(report.clampedChunks) chunk(s) were stamped earlier than the one before (a clock step, or a recorder that does not keep order); replayed at the previous chunk's time")
        }
        if report.abandonedTimers > 0 {
            Console.note("warning: the driver kept asking for a timer that had already passed; cut off \(report.abandonedTimers) time(s)")
        }
        guard let check = report.transmitCheck else {
            Console.note("transmit check: none (the recording holds nothing the bridge sent; the driver only listened)")
            return
        }
        var line = "transmit check: \(check.matchedBytes) bytes as recorded, \(check.mismatchedBytes) differ, "
            + "\(check.missingBytes) recorded but not sent, \(check.extraBytes) sent but not recorded"
        if check.unrecordedStopBytes > 0 {
            line += " (+ \(check.unrecordedStopBytes) bytes of the driver's stop request, sent after the recording ended)"
        }
        Console.note(line)
        guard check.isClean else {
            for mismatch in check.mismatches.prefix(3) { Console.note("  \(mismatch)") }
            throw CommandFailure(
                "the driver did not send what the recorded bridge sent, so this replay is not the recorded session: "
                + "replay with the driver options the recording used (\(source.header.note ?? "the capture's note names none")); "
                + "if the driver's requests changed on purpose, record the session again (see HardwareFixtures/README.md)")
        }
    }
}
