import BedsideModel

/// One frame of `bedside watch`, as lines of text: per device its link state and statistics,
/// then its readings with their age, active alarms and pump channels. Pure: the same model,
/// counters and time always give the same lines, so it is tested on its own and the command only
/// decides when to draw.
public enum WatchScreen {
    /// The counters shown as link statistics, with their labels, in order.
    static let statistics: [(event: String, label: String)] = [
        ("frames.ok", "frames"), ("frames.checksum-error", "checksum errors"), ("frames.length-error", "length errors"),
        ("frames.malformed", "malformed"), ("bytes.discarded", "resync bytes"), ("link.silences", "silences"),
    ]

    /// - Parameters:
    ///   - model: the feed folded so far.
    ///   - counters: driver counters by port (``WatchCounters/snapshot``).
    ///   - now: the time ages are measured against.
    ///   - columns: the terminal's width; longer lines are cut.
    public static func render(model: LiveTableModel, counters: [String: [String: Int]], now: Timestamp,
                              target: String, columns: Int = 100) -> [String] {
        var lines = ["bedside watch \(target)   \(now.rfc3339.prefix(19))Z   Ctrl-C ends"]
        if model.devices.isEmpty {
            lines.append("waiting for the first record…")
        }
        for device in model.devices {
            let id = device.identity
            lines.append("")
            var head = [id.location ?? "-", id.driver, id.port ?? "-"]
            let named = [id.model, id.serialNumber.map { "s/n \($0)" }].compactMap { $0 }.joined(separator: " ")
            if !named.isEmpty { head.append(named) }
            if let sub = id.subdevice { head.append("[\(sub)]") }
            if id.simulated { head.append("SIMULATED") }
            if let link = device.link {
                head.append("link: \(link.kind.rawValue) \(age(from: link.hostTime, to: now)) ago")
            }
            lines.append(head.joined(separator: "  "))

            let stats = counters[id.port ?? ""] ?? [:]
            // The newest value that is a measurement (valid, or the device's demo data) dates the link.
            let newest = device.metrics.filter { $0.value != nil && [.valid, .demo].contains($0.state) }.map(\.hostTime).max()
            let statText = ["last value " + (newest.map { age(from: $0, to: now) + " ago" } ?? "none yet")]
                + statistics.map { "\($0.label) \(stats[$0.event] ?? 0)" }
            lines.append("  link   " + statText.joined(separator: "  "))

            let names = device.metrics.map { $0.name + ($0.label.map { " \($0)" } ?? "") }
            let values = device.metrics.map { ($0.value ?? "—") + ($0.unit.map { " \($0)" } ?? "") }
            let nameWidth = min(40, (names.map(\.count).max() ?? 0) + 2)
            let valueWidth = (values.map(\.count).max() ?? 0) + 2
            for (i, row) in device.metrics.enumerated() {
                var line = "  " + names[i].padded(to: nameWidth) + values[i].padded(to: valueWidth)
                    + row.state.rawValue.padded(to: 9) + age(from: row.hostTime, to: now)
                if let reason = row.reason, row.state != .valid || row.name.hasPrefix("pump channel") { line += "  (\(reason))" }
                lines.append(line)
            }
            for alarmID in device.alarmOrder {
                guard let alarm = device.activeAlarms[alarmID] else { continue }
                lines.append("  ALARM  " + alarm.priority.rawValue.uppercased().padded(to: 8) + (alarm.text.isEmpty ? alarm.alarmId : alarm.text)
                             + "  since " + String(alarm.hostTime.rfc3339.dropFirst(11).prefix(8)))
            }
        }
        if model.droppedRecords > 0 {
            lines.append("")
            lines.append("(\(model.droppedRecords) records were dropped before display: the screen could not keep up)")
        }
        return lines.map { $0.count > columns ? String($0.prefix(columns - 1)) + "…" : $0 }
    }

    /// `4 s`, `2 min`, `1 h 5 min`: whole units, never rounded up.
    static func age(from then: Timestamp, to now: Timestamp) -> String {
        let seconds = max(0, now.nanoseconds(since: then) / 1_000_000_000)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
}
