import BedsidePlatform
import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Glibc

/// A long run of many simulated devices on damaged links, in one process: every device is a
/// ``DriverSession`` (driver with its ledger ↔ simulator, in memory, virtual clock) with seeded
/// faults in both directions and one 30-second stall; everything they report goes through one
/// ``FeedBus`` to one subscriber that checks `seq`. Simulated time runs as fast as the CPU allows,
/// so an hour of 128 devices takes minutes, without 256 pseudo-terminals.
///
/// What it reports: CPU time, resident memory and open descriptors sampled over the run, records
/// published, `seq` gaps, and every numeric value no device sent (``SentValues``): the last two must be 0.
public struct SoakBench: Sendable {
    public struct Configuration: Sendable {
        public var devices: Int = 128
        /// Drivers, assigned to devices in turn (default: every driver with a simulator).
        public var drivers: [String] = DriverCatalog.simulatedDriverNames
        public var simulatedSeconds: Double = 3600
        /// Simulated seconds between samples (and between hand-overs of records to the bus).
        public var stepSeconds: Double = 10
        /// Damage on every link, both directions; each device also stalls once for 30 s.
        public var faults: LinkFaults = SoakBench.defaultFaults
        public var stall = true
        public var seed: UInt64 = 1
        /// Devices stepped in parallel (the sessions are independent).
        public var workers: Int = 2

        public init() {}
    }

    /// A few per cent of every kind of damage: far more than a good cable, so an hour hits thousands of frames.
    public static let defaultFaults = LinkFaults(drop: 0.01, corrupt: 0.02, duplicate: 0.01, split: 0.1,
                                                 delaySeconds: 0...0.05)

    /// One point of the run.
    public struct Sample: Sendable {
        public var simulatedSeconds: Double
        public var wallSeconds: Double
        public var cpuSeconds: Double
        public var residentBytes: Int?
        public var openDescriptors: Int
        public var records: UInt64
    }

    public struct Result: Sendable {
        public var samples: [Sample] = []
        public var records: UInt64 = 0
        /// Records the subscriber received out of `seq` order or with a hole before them.
        public var seqGaps = 0
        /// Records lost by the subscriber because it fell behind (a consumer problem, not the bridge's).
        public var subscriberDrops = 0
        /// Numeric values no device sent for that metric (must be 0), with a few examples.
        public var inventedValues = 0
        /// Unsent values from damage a grammar-only protocol cannot show (``FrameCheck/grammarOnly``).
        public var undetectableValues = 0
        public var inventedExamples: [String] = []
        /// Numeric values checked against what the devices sent.
        public var checkedValues = 0
        public var counters: [DriverCounter: Int] = [:]
        public var links: [LinkEvent.Kind: Int] = [:]
        public var contractViolations: [String] = []
    }

    private struct Device: Sendable {
        var session: DriverSession
        var sent: SentValues
        var source: FeedSource
        var number: Int
        /// The protocol has no checksum (``FrameCheck/grammarOnly``): a damaged digit is a valid
        /// frame, so its unsent values are counted as undetectable, not as invented.
        var grammarOnly = false
    }

    private struct StepTally: Sendable {
        var invented = 0
        var undetectable = 0
        var examples: [String] = []
        var checked = 0
        var links: [LinkEvent.Kind: Int] = [:]

        mutating func merge(_ o: StepTally) {
            invented += o.invented
            undetectable += o.undetectable
            checked += o.checked
            for (k, n) in o.links { links[k, default: 0] += n }
            examples += o.examples.prefix(max(0, 5 - examples.count))
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Runs the soak; `progress` sees each sample as it is taken.
    public func run(progress: @Sendable (Sample) -> Void = { _ in }) async throws -> Result {
        let c = configuration
        let registry = DriverCatalog.registry
        let bus = FeedBus(bridgeId: nil)
        let subscription = bus.subscribe(name: "soak", bufferSize: 1 << 22)
        let checker = Task { () -> (records: UInt64, gaps: Int, drops: Int) in
            var last: UInt64 = 0, gaps = 0, drops = 0, n: UInt64 = 0
            for await event in subscription {
                switch event {
                case .record(let r):
                    if r.seq != last + 1 { gaps += 1 }
                    last = r.seq
                    n += 1
                case .gap(let g):
                    drops += g.droppedRecords
                }
            }
            return (n, gaps, drops)
        }

        var devices: [Device] = []
        for i in 0..<c.devices {
            let name = c.drivers[i % c.drivers.count]
            var faults = c.faults
            if c.stall {
                // Each device stalls once, at its own time, for longer than any protocol time-out.
                let at = 120 + Double((i * 389) % max(1, Int(c.simulatedSeconds) - 300))
                faults.silences.append(at...(at + 30))
            }
            let configuration = DriverConfiguration(snapshotIntervalNanoseconds: 60_000_000_000)
            let session = DriverSession(
                driver: try registry.makeDriver(named: name, configuration: configuration),
                simulator: try registry.makeSimulator(named: name, configuration: SimulatorConfiguration(seed: c.seed &+ UInt64(i % 8))),
                seed: c.seed &* 1_000_003 &+ UInt64(i), toDriverFaults: faults, toDeviceFaults: faults)
            let source = bus.addSource(identity: DeviceIdentity(driver: name, vendor: "simulated", port: "soak-\(i + 1)",
                                                                simulated: true),
                                       origin: .simulated)
            let type = try registry.driverType(named: name)
            devices.append(Device(session: session, sent: SentValues(driverType: type), source: source, number: i + 1,
                                  grammarOnly: type.descriptor.frameCheck == .grammarOnly))
        }

        var result = Result()
        var tally = StepTally()
        let wall0 = BridgeClock.monotonicNanoseconds()
        let cpu0 = ProcessUsage.cpuSeconds()
        let start = VirtualClock.defaultStart
        var t = 0.0
        let workers = max(1, c.workers)
        while t < c.simulatedSeconds {
            t = min(c.simulatedSeconds, t + c.stepSeconds)
            let end = start.adding(seconds: t)
            // Independent devices in `workers` shards; each shard is handed back when stepped.
            let shards = stride(from: 0, to: devices.count, by: max(1, (devices.count + workers - 1) / workers))
                .map { Array(devices[$0..<min($0 + (devices.count + workers - 1) / workers, devices.count)]) }
            var stepped: [(Int, [Device], StepTally)] = []
            await withTaskGroup(of: (Int, [Device], StepTally).self) { group in
                for (k, shard) in shards.enumerated() {
                    group.addTask { Self.step(shard, until: end, k) }
                }
                for await s in group { stepped.append(s) }
            }
            devices = stepped.sorted { $0.0 < $1.0 }.flatMap(\.1)
            for s in stepped { tally.merge(s.2) }
            let sample = Sample(simulatedSeconds: t, wallSeconds: Double(BridgeClock.monotonicNanoseconds() - wall0) / 1e9,
                                cpuSeconds: ProcessUsage.cpuSeconds() - cpu0, residentBytes: ProcessUsage.residentBytes(),
                                openDescriptors: Self.openDescriptors(), records: bus.lastSeq)
            result.samples.append(sample)
            progress(sample)
        }
        bus.finish()
        let feed = await checker.value
        result.records = feed.records
        result.seqGaps = feed.gaps
        result.subscriberDrops = feed.drops
        result.inventedValues = tally.invented
        result.undetectableValues = tally.undetectable
        result.inventedExamples = tally.examples
        result.checkedValues = tally.checked
        for d in devices {
            for (k, v) in d.session.counters { result.counters[k, default: 0] += v }
            result.contractViolations += d.session.contractViolations
        }
        result.links = tally.links
        return result
    }

    private static func step(_ shard: [Device], until end: Timestamp, _ index: Int) -> (Int, [Device], StepTally) {
        var shard = shard
        var tally = StepTally()
        for i in shard.indices {
            shard[i].session.run(until: end)
            let (observations, sent) = shard[i].session.drain()
            shard[i].sent.add(sent)
            for o in observations {
                if case .numeric(let r) = o, r.value != nil {
                    tally.checked += 1
                    if !shard[i].sent.wasSent(r), shard[i].grammarOnly {
                        tally.undetectable += 1
                    } else if !shard[i].sent.wasSent(r) {
                        tally.invented += 1
                        if tally.examples.count < 5 {
                            tally.examples.append("soak-\(shard[i].number) \(SentValues.Key(r)) = \(r.value!) (\(r.state))")
                        }
                    }
                }
                if case .link(let l) = o { tally.links[l.kind, default: 0] += 1 }
            }
            _ = shard[i].source.publish(observations)
        }
        return (index, shard, tally)
    }

    /// Descriptors this process holds now.
    static func openDescriptors() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(dir) }
        var n = -3  // ".", ".." and the directory's own descriptor
        while readdir(dir) != nil { n += 1 }
        return n
    }
}
