import BedsideModel

/// Turns a ``LiveTableModel`` into lines of text: one header per device (where it is, what it is,
/// link state, active alarms), then one row per metric with its latest value exactly as the feed
/// carries it, unit, state and age.
public struct LiveTableRenderer: Sendable {
    /// Rows whose last update is older than this are marked with `*` after their age.
    public var oldAfterSeconds: Double
    /// Whether to list metrics the device reports as absent (no module, no sensor). Monitors report
    /// dozens of these; by default they are counted in one line instead.
    public var showAbsent: Bool

    public init(oldAfterSeconds: Double = 10, showAbsent: Bool = false) {
        self.oldAfterSeconds = oldAfterSeconds
        self.showAbsent = showAbsent
    }

    public func lines(for model: LiveTableModel, now: Timestamp) -> [String] {
        var out: [String] = []
        let devices = model.devices.count
        var title = "Bedside Bridge · \(devices) device\(devices == 1 ? "" : "s") · \(model.records) records · \(Self.clock(now)) UTC"
        if model.devices.contains(where: { $0.identity.simulated }) { title += " · SIMULATED DATA, NOT PATIENTS" }
        if model.droppedRecords > 0 { title += " · \(model.droppedRecords) dropped by this display" }
        out.append(title)
        if model.devices.isEmpty { out.append("waiting for data…") }
        for device in model.devices {
            out.append("")
            out.append(header(device, now: now))
            for alarm in device.alarmOrder.compactMap({ device.activeAlarms[$0] }) {
                let flags = AlarmEvent.Flags.names.filter { alarm.flags.contains($0.0) }.map(\.1)
                out.append("  ALARM \(alarm.priority.rawValue) \(alarm.category.rawValue): \(alarm.text)"
                           + (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"))
            }
            for channel in device.pumpChannels { out.append(Self.pumpLine(channel, now: now)) }
            let shown = device.metrics.filter { showAbsent || !($0.state == .absent && $0.value == nil) }
            var table = [["METRIC", "LABEL", "VALUE", "UNIT", "AGE", "STATE"]]
            for m in shown {
                let age = Double(now.nanoseconds(since: m.hostTime)) / 1e9
                var ageText = Self.age(age)
                if age > oldAfterSeconds { ageText += "*" }
                var state = m.state.rawValue
                if m.state != .valid, let reason = m.reason { state += " (\(reason))" }
                table.append([m.name + (m.mapped ? "" : " (unmapped)"), m.label ?? "", m.value ?? "—",
                              m.unit ?? "—", ageText, state])
            }
            if shown.count > 0 { out += Self.aligned(table) }
            let hidden = device.metrics.count - shown.count
            if hidden > 0 { out.append("  (\(hidden) more metric\(hidden == 1 ? "" : "s") reported absent)") }
        }
        return out
    }

    private func header(_ device: LiveTableModel.Device, now: Timestamp) -> String {
        let id = device.identity
        var parts: [String] = []
        // First, so nobody reads a simulator's values as a patient's.
        if id.simulated { parts.append("SIMULATED") }
        parts.append(id.location ?? id.port ?? "?")
        if let sub = id.subdevice { parts.append("/ \(sub)") }
        // Some devices name their maker in the model string already ("Philips M8000").
        if let model = id.model, model.hasPrefix(id.vendor) {
            parts.append(model)
        } else {
            parts.append("\(id.vendor) \(id.model ?? "")".trimmingTrailingSpace())
        }
        if let s = id.serialNumber { parts.append("s/n \(s)") }
        parts.append("[\(id.driver)]")
        if id.location != nil, let port = id.port { parts.append(port) }
        if let link = device.link {
            parts.append("link: \(link.kind.rawValue) \(Self.age(Double(now.nanoseconds(since: link.hostTime)) / 1e9)) ago")
        }
        return parts.joined(separator: "  ")
    }

    /// Rows padded so that every column lines up. The state column goes last: it carries the
    /// device's reason and may be long.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            var s = "  "
            for (i, cell) in row.enumerated() {
                s += cell
                if i < row.count - 1 { s += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            return s
        }
    }

    /// One line per pump channel: state, drug, rate, dose rate, volumes, time left, age.
    static func pumpLine(_ p: PumpChannelState, now: Timestamp) -> String {
        func q(_ x: Quantity?) -> String? {
            x.map { $0.value.text + " " + ($0.unit ?? $0.vendorUnit.map { "(\($0))" } ?? "") }
        }
        var parts = ["PUMP ch \(p.channel): \(p.status.rawValue)" + (p.mode == .unknown ? "" : " (\(p.mode.rawValue))")]
        parts.append(p.drug ?? "no drug named")
        if let c = q(p.concentration) { parts.append(c) }
        parts.append("rate " + (q(p.programmedRate) ?? "—") + (q(p.actualRate).map { " (now \($0))" } ?? ""))
        if let d = q(p.doseRate) { parts.append("dose " + d) }
        parts.append("infused " + (q(p.volumeInfused) ?? "—") + " of VTBI " + (q(p.volumeToBeInfused) ?? "—"))
        if let r = q(p.volumeRemaining) { parts.append("left " + r) }
        if let t = q(p.timeRemaining) { parts.append("time left " + t) }
        parts.append(age(Double(now.nanoseconds(since: p.hostTime)) / 1e9))
        return "  " + parts.joined(separator: " · ")
    }

    static func age(_ seconds: Double) -> String {
        if seconds < 0 { return "0.0s" }
        if seconds < 60 { return String(Int(seconds * 10) / 10) + "." + String(Int(seconds * 10) % 10) + "s" }
        if seconds < 3600 { return "\(Int(seconds) / 60)m\(Int(seconds) % 60)s" }
        return "\(Int(seconds) / 3600)h\(Int(seconds) % 3600 / 60)m"
    }

    static func clock(_ t: Timestamp) -> String {
        let text = t.rfc3339  // YYYY-MM-DDThh:mm:ss…
        let b = Array(text.utf8)
        guard b.count >= 19 else { return text }
        return String(decoding: b[11..<19], as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingTrailingSpace() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
