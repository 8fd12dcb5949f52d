/// Exit statuses of `bedside replay` (documented in docs/capture-format.md and the command's help).
public enum ReplayExitStatus {
    /// Every byte of the input decoded and, when it has tx chunks, the driver sent what was recorded.
    public static let complete: Int32 = 0
    /// The replay failed: unreadable input, a driver that contradicts the file, or a transmit
    /// check that differs from the recording.
    public static let failed: Int32 = 1
    /// Everything readable was replayed, but byte ranges were skipped (damaged or cut short);
    /// `--accept-partial` turns this into ``complete``, still reporting the ranges.
    public static let partial: Int32 = 3
}

/// What a finished offline replay says on stderr, and how it ends: the text and the verdict are
/// decided here, so the command only prints and exits.
public struct ReplaySummary: Sendable {
    public enum Outcome: Equatable, Sendable {
        case complete
        /// Byte ranges were skipped (see ``OfflineReplayReport/readerWarnings``).
        case partial
        /// The driver did not send what the recorded bridge sent; the message says what to do.
        case transmitMismatch(String)
    }

    /// Lines for stderr, in order.
    public var lines: [String]
    public var outcome: Outcome

    /// The exit status for this outcome.
    public func exitStatus(acceptPartial: Bool) -> Int32 {
        switch outcome {
        case .complete: ReplayExitStatus.complete
        case .partial: acceptPartial ? ReplayExitStatus.complete : ReplayExitStatus.partial
        case .transmitMismatch: ReplayExitStatus.failed
        }
    }

    /// Summarizes `report` of replaying `input` that produced `records` feed records in `milliseconds`.
    public init(report: OfflineReplayReport, input: ReplayInput, records: UInt64, milliseconds: Double) {
        var lines: [String] = []
        var summary = "replayed \(input.path) (\(input.kindDescription), \(input.driverName)): "
            + "\(report.receivedBytes) bytes received in \(report.chunks) chunks → \(records) records in "
            + "\(Self.format(milliseconds)) ms"
        switch input.kind {
        case .rawBytes:
            summary += "; a raw dump has no timing, so host times count from 1970-01-01 at the nominal line rate"
        case .intelliVueSerialLog:
            summary += "; the log's stamps carry no time zone and are taken as UTC"
        case .bbcap:
            break
        }
        lines.append(summary)
        if let note = input.transmitScanNote { lines.append("note: \(note)") }
        if !report.counters.isEmpty {
            lines.append("driver counters: " + report.counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: " "))
        }
        for warning in report.readerWarnings { lines.append("warning: \(warning)") }
        if report.clampedChunks > 0 {
            lines.append("warning: \(report.clampedChunks) chunk(s) were stamped earlier than the one before (a clock step, or a recorder that does not keep order); replayed at the previous chunk's time")
        }
        if report.abandonedTimers > 0 {
            lines.append("warning: the driver kept asking for a timer that had already passed; cut off \(report.abandonedTimers) time(s)")
        }
        let warnings = report.readerWarnings
        var outcome: Outcome = warnings.isEmpty ? .complete : .partial
        if let check = report.transmitCheck {
            var line = "transmit check: \(check.matchedBytes) bytes as recorded, \(check.mismatchedBytes) differ, "
                + "\(check.missingBytes) recorded but not sent, \(check.extraBytes) sent but not recorded"
            if check.unrecordedStopBytes > 0 {
                line += " (+ \(check.unrecordedStopBytes) bytes of the driver's stop request, sent after the recording ended)"
            }
            lines.append(line)
            if !check.isClean {
                for mismatch in check.mismatches.prefix(3) { lines.append("  \(mismatch)") }
                var message = "the driver did not send what the recorded bridge sent, so this replay is not the recorded session: "
                    + "replay with the driver options the recording used (\(input.header.note ?? "the capture's note names none")); "
                    + "if the driver's requests changed on purpose, record the session again (see HardwareFixtures/README.md)"
                if !warnings.isEmpty { message += "; skipped bytes (above) may hold recorded requests too" }
                outcome = .transmitMismatch(message)
            }
        } else {
            lines.append("transmit check: none (the recording holds nothing the bridge sent; the driver only listened)")
        }
        if !warnings.isEmpty {
            let damaged = warnings.filter { $0.cause == .damaged }.count
            let cut = warnings.count - damaged
            var parts: [String] = []
            if damaged > 0 { parts.append("\(damaged) damaged") }
            if cut > 0 { parts.append("\(cut) cut short") }
            lines.append("incomplete: skipped \(warnings.skippedBytes) bytes in \(warnings.count) range(s) "
                + "(\(parts.joined(separator: ", "))); everything else was replayed. "
                + "Exit status \(ReplayExitStatus.partial) unless --accept-partial")
        }
        self.lines = lines
        self.outcome = outcome
    }

    /// One decimal, without Foundation.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return "\((value * 10).rounded() / 10)"
    }
}
