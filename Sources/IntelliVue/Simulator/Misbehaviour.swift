/// Faults the simulator can be told to inject, for reliability tests. Given as
/// `misbehave=<fault>@<seconds>[,<fault>@<seconds>…]` in `SimulatorConfiguration.options`, with
/// seconds of real (not scenario) time since the simulator started:
/// - `drop-association@T`: at T send an Abort and forget the association (as on an association timeout).
/// - `silence@T` or `silence@T+D`: from T, for D seconds (default 10), neither send nor read anything
///   (a pulled cable).
/// - `corrupt-frame@T`: the first frame sent at or after T goes out with a broken FCS.
/// - `restart@T`: at T the monitor reboots: association gone without a word, relative time restarts.
/// - `refuse-associations`: refuse every association request (another client holds the monitor).
struct Misbehaviour: Hashable, Sendable {
    enum Fault: Hashable, Sendable {
        case dropAssociation
        case silence(durationNanoseconds: Int64)
        case corruptFrame
        case restart
    }

    struct Scheduled: Hashable, Sendable {
        var atNanoseconds: Int64
        var fault: Fault
    }

    var scheduled: [Scheduled] = []
    var refuseAssociations = false

    init() {}

    /// Parses the option value; unknown entries are reported in `problems`.
    init(option: String?, problems: inout [String]) {
        guard let option else { return }
        for entry in option.split(separator: ",").map({ String($0).trimmed }) where !entry.isEmpty {
            if entry == "refuse-associations" { refuseAssociations = true; continue }
            let parts = entry.split(separator: "@", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { problems.append("misbehave entry '\(entry)' needs '@seconds'"); continue }
            var timeText = parts[1]
            var duration: Double = 10
            if let plus = timeText.firstIndex(of: "+") {
                duration = Double(timeText[timeText.index(after: plus)...]) ?? -1
                timeText = String(timeText[..<plus])
            }
            guard let seconds = Double(timeText), seconds >= 0, duration >= 0 else {
                problems.append("misbehave entry '\(entry)' has a bad time"); continue
            }
            let at = Int64(seconds * 1e9)
            switch parts[0] {
            case "drop-association": scheduled.append(.init(atNanoseconds: at, fault: .dropAssociation))
            case "silence": scheduled.append(.init(atNanoseconds: at, fault: .silence(durationNanoseconds: Int64(duration * 1e9))))
            case "corrupt-frame": scheduled.append(.init(atNanoseconds: at, fault: .corruptFrame))
            case "restart": scheduled.append(.init(atNanoseconds: at, fault: .restart))
            default: problems.append("unknown misbehaviour '\(parts[0])'")
            }
        }
        scheduled.sort { $0.atNanoseconds < $1.atNanoseconds }
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
