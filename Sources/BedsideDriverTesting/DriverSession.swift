import BedsideDriver
import BedsideModel

/// A driver and a device simulator joined by an in-memory serial link on a ``VirtualClock``:
/// a whole session (handshake, polling, time-outs, staleness) in simulated seconds, with seeded
/// faults on the link, and everything the driver produced collected for assertions.
///
/// ```swift
/// var session = DriverSession(driver: MyDriver.supervised(configuration: .init()),
///                             simulator: MySimulator(configuration: .init()))
/// session.run(seconds: 30)
/// #expect(session.numerics.contains { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" })
/// #expect(session.counters[.checksumErrors] == nil)
/// ```
///
/// Events happen in time order; at equal times deliveries come before timers, and the driver's
/// timer before the simulator's. Each direction keeps its order. The session never reads a real
/// clock or sleeps.
public struct DriverSession: Sendable {
    /// One delivery of bytes on the link.
    public struct Chunk: Sendable, Hashable {
        public var time: Timestamp
        public var bytes: [UInt8]
    }

    public enum Direction: Sendable, Hashable { case toDriver, toDevice }

    public private(set) var driver: any DeviceDriver
    public private(set) var simulator: any DeviceSimulator
    public private(set) var clock: VirtualClock
    /// Faults on the bytes the device sends to the driver, and on those the driver sends.
    public var toDriverFaults: LinkFaults
    public var toDeviceFaults: LinkFaults
    /// Transfer time of every chunk (a serial line is never instant; 1 ms by default).
    public var latencySeconds: Double

    /// Everything the driver (and its ledger, when supervised) put on the feed, in order.
    public private(set) var observations: [Observation] = []
    /// What the driver transmitted, as it sent it (before link faults).
    public private(set) var transmitted: [Chunk] = []
    /// What the simulator transmitted, as it sent it (before link faults).
    public private(set) var deviceTransmitted: [Chunk] = []
    /// What reached the driver (after link faults).
    public private(set) var delivered: [Chunk] = []
    /// Line-control requests, in order.
    public private(set) var lineControl: [LineControl] = []
    /// Session totals of the driver's counters.
    public private(set) var counters: [DriverCounter: Int] = [:]
    /// What the driver learned about its device, merged as the runtime merges it.
    public private(set) var identity = DeviceIdentityUpdate()
    public private(set) var subdeviceIdentities: [String: DeviceIdentityUpdate] = [:]
    /// Breaches of the driver contract the session saw (a deadline in the past, a timer that
    /// never moves on). Empty for a well-behaved driver; tests should assert that.
    public private(set) var contractViolations: [String] = []

    private let start: Timestamp
    private var random: SeededRandom
    private var pending: [(time: Timestamp, order: Int, direction: Direction, bytes: [UInt8])] = []
    private var nextOrder = 0
    private var lastDelivery: [Direction: Timestamp] = [:]
    private var driverDeadline: Timestamp?
    private var simulatorDeadline: Timestamp?
    private var started = false
    private var stopped = false
    private var output = DriverOutput()
    private var simOutput = SimulatorOutput()

    /// - Parameters:
    ///   - driver: usually `MyDriver.supervised(configuration:)`, so the ledger runs as in the bridge.
    ///   - simulator: the device side.
    ///   - seed: seeds every fault draw.
    public init(driver: any DeviceDriver, simulator: any DeviceSimulator, clock: VirtualClock = VirtualClock(),
                seed: UInt64 = 1, toDriverFaults: LinkFaults = .none, toDeviceFaults: LinkFaults = .none,
                latencySeconds: Double = 0.001) {
        self.driver = driver
        self.simulator = simulator
        self.clock = clock
        self.start = clock.now
        self.random = SeededRandom(seed: seed)
        self.toDriverFaults = toDriverFaults
        self.toDeviceFaults = toDeviceFaults
        self.latencySeconds = latencySeconds
    }

    /// The current simulated time.
    public var now: Timestamp { clock.now }

    /// Seconds since the session started.
    public var elapsedSeconds: Double { Double(clock.now.nanoseconds(since: start)) / 1e9 }

    public var numerics: [NumericReading] {
        observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } }
    }

    public var alarms: [AlarmEvent] {
        observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
    }

    public var links: [LinkEvent] {
        observations.compactMap { if case .link(let l) = $0 { l } else { nil } }
    }

    public var snapshots: [DeviceSnapshot] {
        observations.compactMap { if case .snapshot(let s) = $0 { s } else { nil } }
    }

    /// Runs the session for `seconds` of simulated time (starting it first if needed).
    public mutating func run(seconds: Double) {
        run(until: clock.now.adding(seconds: seconds))
    }

    /// Runs every event up to and including `end`, then leaves the clock at `end`.
    public mutating func run(until end: Timestamp) {
        if !started { startBoth() }
        var sameInstant = 0
        var lastTime = clock.now
        while !stopped, let (time, kind) = nextEvent(), time <= end {
            clock.advance(to: time)
            if clock.now == lastTime {
                sameInstant += 1
                if sameInstant > 10_000 {
                    contractViolations.append("more than 10000 events at \(clock.now): a timer that never moves on")
                    break
                }
            } else {
                sameInstant = 0
                lastTime = clock.now
            }
            switch kind {
            case .delivery: deliverDue()
            case .driverTimer: tickDriver()
            case .simulatorTimer: tickSimulator()
            }
        }
        clock.advance(to: end)
    }

    /// Hands the driver a link event the runtime would observe (`opened`, `disconnected`,
    /// `closed`) at the current time, as the pipeline does.
    public mutating func announce(_ kind: LinkEvent.Kind, detail: String? = nil) {
        output.reset()
        driver.announce(LinkEvent(kind: kind, detail: detail, hostTime: clock.now), into: &output)
        if let d = output.nextDeadline { driverDeadline = d }
        collect(keepDeadline: true)
    }

    /// Feeds bytes straight to the driver now, bypassing the simulator and the link faults.
    public mutating func inject(_ bytes: [UInt8]) {
        if !started { startBoth() }
        output.reset()
        bytes.withUnsafeBytes { driver.receive($0, now: clock.now, into: &output) }
        delivered.append(Chunk(time: clock.now, bytes: bytes))
        collect()
    }

    /// Hands over the observations and the simulator's transmissions collected so far and forgets
    /// them and the other byte logs, so a long run (a soak of simulated hours) keeps constant memory.
    public mutating func drain() -> (observations: [Observation], deviceTransmitted: [Chunk]) {
        defer {
            observations.removeAll()
            deviceTransmitted.removeAll()
            transmitted.removeAll()
            delivered.removeAll()
            lineControl.removeAll()
        }
        return (observations, deviceTransmitted)
    }

    /// Stops the driver politely at the current time (its stop bytes are recorded, not delivered).
    public mutating func stop() {
        guard !stopped else { return }
        output.reset()
        driver.stop(now: clock.now, into: &output)
        collect()
        stopped = true
    }

    // MARK: Events

    private enum EventKind { case delivery, driverTimer, simulatorTimer }

    private func nextEvent() -> (Timestamp, EventKind)? {
        var best: (Timestamp, EventKind)?
        func consider(_ t: Timestamp?, _ k: EventKind) {
            guard let t else { return }
            if best == nil || t < best!.0 { best = (t, k) }
        }
        consider(pending.map(\.time).min(), .delivery)
        consider(driverDeadline, .driverTimer)
        consider(simulatorDeadline, .simulatorTimer)
        return best
    }

    private mutating func startBoth() {
        started = true
        output.reset()
        driver.start(now: clock.now, into: &output)
        collect()
        simOutput.reset()
        simulator.start(now: clock.now, into: &simOutput)
        collectSimulator()
    }

    private mutating func deliverDue() {
        let now = clock.now
        let due = pending.filter { $0.time <= now }.sorted { ($0.time, $0.order) < ($1.time, $1.order) }
        pending.removeAll { $0.time <= now }
        for item in due {
            switch item.direction {
            case .toDriver:
                output.reset()
                delivered.append(Chunk(time: now, bytes: item.bytes))
                item.bytes.withUnsafeBytes { driver.receive($0, now: now, into: &output) }
                collect()
            case .toDevice:
                simOutput.reset()
                item.bytes.withUnsafeBytes { simulator.receive($0, now: now, into: &simOutput) }
                collectSimulator()
            }
        }
    }

    private mutating func tickDriver() {
        output.reset()
        driverDeadline = nil
        driver.tick(now: clock.now, into: &output)
        collect()
    }

    private mutating func tickSimulator() {
        simOutput.reset()
        simulatorDeadline = nil
        simulator.tick(now: clock.now, into: &simOutput)
        collectSimulator()
    }

    private mutating func collect(keepDeadline: Bool = false) {
        observations += output.observations
        lineControl += output.lineControl
        for (k, v) in output.counters { counters[k, default: 0] += v }
        if let u = output.identity { identity.merge(u) }
        for (key, u) in output.subdeviceIdentities { subdeviceIdentities[key, default: .init()].merge(u) }
        if !output.transmit.isEmpty {
            transmitted.append(Chunk(time: clock.now, bytes: output.transmit))
            send(output.transmit, .toDevice)
        }
        if !keepDeadline { driverDeadline = output.nextDeadline }
        if let d = driverDeadline, d < clock.now {
            contractViolations.append("driver asked for a tick at \(d), before the current time \(clock.now)")
            driverDeadline = clock.now
        }
    }

    private mutating func collectSimulator() {
        if !simOutput.transmit.isEmpty {
            deviceTransmitted.append(Chunk(time: clock.now, bytes: simOutput.transmit))
            send(simOutput.transmit, .toDriver)
        }
        simulatorDeadline = simOutput.nextDeadline
        if let d = simulatorDeadline, d < clock.now { simulatorDeadline = clock.now }
    }

    // MARK: The link

    private mutating func send(_ bytes: [UInt8], _ direction: Direction) {
        let faults = direction == .toDriver ? toDriverFaults : toDeviceFaults
        let elapsed = elapsedSeconds
        if faults.silences.contains(where: { $0.contains(elapsed) }) { return }
        if random.chance(faults.drop) { return }
        var bytes = bytes
        if random.chance(faults.corrupt), !bytes.isEmpty {
            let i = Int(random.next() % UInt64(bytes.count))
            bytes[i] ^= UInt8(1) << UInt8(random.next() % 8)
        }
        var delay = latencySeconds
        if faults.delaySeconds.upperBound > 0 {
            let span = faults.delaySeconds.upperBound - faults.delaySeconds.lowerBound
            delay += faults.delaySeconds.lowerBound + span * Double(random.next() >> 11) / Double(1 << 53)
        }
        var at = clock.now.adding(seconds: delay)
        // A serial line keeps order: never before the previous chunk in this direction.
        if let last = lastDelivery[direction], at < last { at = last }
        var pieces = [bytes]
        if random.chance(faults.split), bytes.count > 1 {
            let cut = 1 + Int(random.next() % UInt64(bytes.count - 1))
            pieces = [Array(bytes[..<cut]), Array(bytes[cut...])]
        }
        if random.chance(faults.duplicate) { pieces += pieces }
        for (n, piece) in pieces.enumerated() {
            let time = n == 0 ? at : at.adding(seconds: faults.splitGapSeconds * Double(n))
            pending.append((time, nextOrder, direction, piece))
            nextOrder += 1
            lastDelivery[direction] = time
        }
    }
}

extension DeviceIdentityUpdate {
    /// Keeps fields already known when an update leaves them `nil` (as the bus does).
    mutating func merge(_ u: DeviceIdentityUpdate) {
        if let v = u.model { model = v }
        if let v = u.serialNumber { serialNumber = v }
        if let v = u.softwareVersion { softwareVersion = v }
    }
}
