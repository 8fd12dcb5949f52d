import BedsideDriver
import BedsideModel

/// What `bedside soak` checks and prints: the soak's settings, one line per sample, a summary,
/// and a failure when any value was invented or any record went missing from the feed.
public struct SoakReport: Sendable {
    public var devices: Int
    public var minutes: Double
    public var drivers: [String]
    public var seed: UInt64
    public var faults: Bool
    /// Print a sample line every this many simulated minutes.
    public var everyMinutes: Double

    public init(devices: Int = 128, minutes: Double = 60, drivers: [String] = DriverCatalog.simulatedDriverNames,
                seed: UInt64 = 1, faults: Bool = true, everyMinutes: Double = 5) {
        self.devices = devices
        self.minutes = minutes
        self.drivers = drivers
        self.seed = seed
        self.faults = faults
        self.everyMinutes = everyMinutes
    }

    /// Checks every number and name before anything runs.
    public func validate() throws {
        try OptionCheck.whole(devices, option: "--devices", in: 1...4096, what: "devices")
        try OptionCheck.number(minutes, option: "--minutes", in: 1...1440, what: "simulated minutes")
        try OptionCheck.number(everyMinutes, option: "--every", in: 1...1440, what: "simulated minutes")
        for name in drivers {
            let simulated = DriverCatalog.simulatedDriverNames
            guard simulated.contains(name) else {
                throw CommandFailure("--driver \(name): no simulator for it; choose from \(simulated.joined(separator: ", "))",
                                     exitStatus: .usage)
            }
        }
    }

    public func run() async throws {
        var c = SoakBench.Configuration()
        c.devices = devices
        c.drivers = drivers
        c.simulatedSeconds = minutes * 60
        c.seed = seed
        if !faults {
            c.faults = .none
            c.stall = false
        }
        Console.out("soak: \(devices) simulated devices (\(drivers.joined(separator: ", ")) in turn), \(Stats.format(minutes, decimals: 0)) simulated minutes, "
                    + (faults ? "faults on every link (drop 1 %, corrupt 2 %, duplicate 1 %, split 10 %, delay ≤ 50 ms; one 30 s stall per device)"
                              : "clean links"))
        Console.out("  sim-min   wall-s   cpu-s   rss-MiB   fds   records")
        let every = everyMinutes * 60
        let total = c.simulatedSeconds
        let step = c.stepSeconds
        let result = try await SoakBench(configuration: c).run { s in
            let due = (s.simulatedSeconds / every).rounded(.down) != ((s.simulatedSeconds - step) / every).rounded(.down)
            guard due || s.simulatedSeconds >= total else { return }
            Console.out("  " + [Stats.format(s.simulatedSeconds / 60, decimals: 0).leftPadded(7),
                                Stats.format(s.wallSeconds, decimals: 1).leftPadded(8),
                                Stats.format(s.cpuSeconds, decimals: 1).leftPadded(7),
                                (s.residentBytes.map { Stats.format(Double($0) / 1_048_576, decimals: 1) } ?? "?").leftPadded(9),
                                "\(s.openDescriptors)".leftPadded(5), "\(s.records)".leftPadded(9)].joined(separator: " "))
        }
        let last = result.samples.last
        let rss = result.samples.compactMap(\.residentBytes)
        let deviceHours = Double(devices) * minutes / 60
        Console.out("records: \(result.records) published, \(result.seqGaps) seq gaps, \(result.subscriberDrops) lost by the subscriber")
        Console.out("values: \(result.checkedValues) numeric values checked, \(result.inventedValues) not sent by any simulator"
                    + (result.undetectableValues > 0
                        ? ", \(result.undetectableValues) more from damage a checksum-less protocol cannot show" : ""))
        for e in result.inventedExamples { Console.out("  not sent: \(e)") }
        let counters = result.counters.sorted { $0.key.description < $1.key.description }.map { "\($0.key)=\($0.value)" }
        Console.out("driver counters: " + counters.joined(separator: " "))
        let links = result.links.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key)=\($0.value)" }
        Console.out("link events: " + links.joined(separator: " "))
        if let last {
            Console.out("cpu: \(Stats.format(last.cpuSeconds, decimals: 1)) s in \(Stats.format(last.wallSeconds, decimals: 1)) s wall "
                        + "(\(Stats.format(last.cpuSeconds / deviceHours, decimals: 2)) cpu-s per simulated device-hour)")
        }
        if let lo = rss.min(), let hi = rss.max() {
            Console.out("rss: \(Stats.format(Double(lo) / 1_048_576, decimals: 1))–\(Stats.format(Double(hi) / 1_048_576, decimals: 1)) MiB; "
                        + "fds: \(result.samples.map(\.openDescriptors).min() ?? 0)–\(result.samples.map(\.openDescriptors).max() ?? 0)")
        }
        if !result.contractViolations.isEmpty {
            Console.out("driver contract breaches: \(result.contractViolations.count), e.g. \(result.contractViolations.prefix(3))")
        }
        if result.inventedValues > 0 || result.seqGaps > 0 || !result.contractViolations.isEmpty {
            throw CommandFailure("soak failed: \(result.inventedValues) invented value(s), \(result.seqGaps) seq gap(s), "
                                 + "\(result.contractViolations.count) contract breach(es)")
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
