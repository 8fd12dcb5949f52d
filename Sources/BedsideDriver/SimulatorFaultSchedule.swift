import BedsideModel

/// Scheduled simulator faults from a `misbehave=<fault>@<seconds>[+<duration>][,…]` option, in
/// seconds of real (not scenario) time since the simulator started — the same spelling the
/// IntelliVue simulator uses, for the pump simulators.
public struct SimulatorFaultSchedule: Hashable, Sendable {
    public struct Fault: Hashable, Sendable {
        public var name: String
        public var at: Int64
        /// Nanoseconds the fault lasts, when it has a duration (`+D`); `nil`: the simulator's default.
        public var duration: Int64?
    }

    public private(set) var faults: [Fault] = []
    /// Entries that could not be read or name no fault the simulator knows.
    public private(set) var problems: [String] = []

    /// Parses `option` accepting the fault names in `known`.
    public init(option: String?, known: Set<String>) {
        guard let option, !option.isEmpty else { return }
        for entry in option.split(separator: ",") {
            let parts = entry.split(separator: "@", maxSplits: 1)
            let name = String(parts[0])
            guard known.contains(name) else {
                problems.append("unknown fault '\(entry)' (known: \(known.sorted().joined(separator: ", ")))")
                continue
            }
            var at: Int64 = 0
            var duration: Int64?
            if parts.count == 2 {
                let timing = parts[1].split(separator: "+", maxSplits: 1)
                guard let t = Double(timing[0]), t >= 0 else { problems.append("bad time in '\(entry)'"); continue }
                at = Int64(t * 1e9)
                if timing.count == 2 {
                    guard let d = Double(timing[1]), d > 0 else { problems.append("bad duration in '\(entry)'"); continue }
                    duration = Int64(d * 1e9)
                }
            }
            faults.append(Fault(name: name, at: at, duration: duration))
        }
        faults.sort { $0.at < $1.at }
    }

    /// Whether a fault named `name` is in force at `elapsed` nanoseconds (default duration `defaultDuration`).
    public func active(_ name: String, elapsed: Int64, defaultDuration: Int64) -> Bool {
        faults.contains { $0.name == name && elapsed >= $0.at && elapsed < $0.at + ($0.duration ?? defaultDuration) }
    }

    /// Faults named `name` whose start lies in `(after, upTo]` nanoseconds since start.
    public func starting(_ name: String, after: Int64, upTo: Int64) -> [Fault] {
        faults.filter { $0.name == name && $0.at > after && $0.at <= upTo }
    }
}
