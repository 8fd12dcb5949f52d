import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing
@testable import BedsideRuntime

/// Each link fault on its own, at a seeded rate, between every catalog driver and its simulator
/// (in memory, virtual clock): what the bridge promises under it (docs/reliability.md, "Faults on
/// a live link").
///
/// "Nothing invented" is checked against ``SentValues``: a reference driver fed the simulator's
/// transmissions before the damage, so the yardstick is what the device really sent, not what the
/// driver under test decoded on a clean run (see ``SentValues`` for why that is sound).
@Suite("Fault injection on live sessions (in memory)")
struct FaultInjectionSessionTests {
    static let drivers = DriverCatalog.simulatedDriverNames

    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case drop, duplicate, corrupt, delay, split
        var testDescription: String { rawValue }

        /// Rates high enough to hit hundreds of frames in two minutes, low enough that a session survives.
        var link: LinkFaults {
            switch self {
            case .drop: LinkFaults(drop: 0.1)
            case .duplicate: LinkFaults(duplicate: 0.2)
            case .corrupt: LinkFaults(corrupt: 0.2)
            case .delay: LinkFaults(delaySeconds: 0...0.4)
            case .split: LinkFaults(split: 0.5, splitGapSeconds: 0.02)
            }
        }
    }

    struct Run {
        var session: DriverSession
        var sent: SentValues
        var elapsed: (Timestamp) -> Double
        /// Frames the device sent so close to the end (within the longest delay, split gap and
        /// latency) that they may still be on the line: neither accepted nor refused. A device that
        /// streams on its own (an oximeter) always has some.
        var inFlightFrames: Int
    }

    /// Longest a frame can take to reach the driver under these faults: delay 0.4 s, split gap 0.02 s, latency.
    static let maximumTransitSeconds = 0.5

    /// A session with `faults` on both directions (requests get lost and damaged too).
    static func run(_ name: String, faults: LinkFaults, seconds: Double = 120, seed: UInt64 = 11) throws -> Run {
        let registry = DriverCatalog.registry
        let configuration = DriverConfiguration(snapshotIntervalNanoseconds: 10_000_000_000)
        var session = DriverSession(
            driver: try registry.makeDriver(named: name, configuration: configuration),
            simulator: try registry.makeSimulator(named: name, configuration: SimulatorConfiguration(seed: seed)),
            seed: seed, toDriverFaults: faults, toDeviceFaults: faults)
        session.run(seconds: seconds)
        var sent = SentValues(driverType: try registry.driverType(named: name))
        sent.add(session.deviceTransmitted)
        // Frames of the last moments: the whole stream's frame count minus that of the stream up to them.
        let cutoff = session.now.adding(seconds: -maximumTransitSeconds)
        var settled = SentValues(driverType: try registry.driverType(named: name))
        settled.add(session.deviceTransmitted.filter { $0.time <= cutoff })
        let inFlight = sent.referenceCounters[.framesAccepted, default: 0] - settled.referenceCounters[.framesAccepted, default: 0]
        let start = VirtualClock.defaultStart
        return Run(session: session, sent: sent, elapsed: { Double($0.nanoseconds(since: start)) / 1e9 }, inFlightFrames: inFlight)
    }

    static func rejected(_ counters: [DriverCounter: Int]) -> Int {
        [DriverCounter.checksumErrors, .lengthErrors, .malformedFrames].reduce(0) { $0 + counters[$1, default: 0] }
    }

    /// Measured values that are new (not a re-statement by the ledger).
    static func fresh(_ s: DriverSession) -> [NumericReading] {
        s.numerics.filter { [.valid, .demo].contains($0.state) && $0.ageNanoseconds == nil && $0.value != nil }
    }

    @Test("the sent-value yardstick itself: a clean session reports only sent values, and most of them",
          arguments: drivers)
    func yardstick(name: String) throws {
        let r = try Self.run(name, faults: .none)
        #expect(r.session.contractViolations.isEmpty, "\(r.session.contractViolations)")
        let invented = r.sent.invented(in: r.session.observations)
        #expect(invented.isEmpty, "clean link, yet not sent: \(invented.prefix(5))")
        // The reference decodes what the driver decodes: the same metrics, not an empty set.
        let reported = Set(Self.fresh(r.session).map(SentValues.Key.init))
        #expect(!reported.isEmpty && reported.isSubset(of: Set(r.sent.values.keys)))
        // It can fail: a value moved by one bit is not in the set.
        let sample = try #require(Self.fresh(r.session).first { ($0.value?.mantissa ?? 0) > 4 })
        var moved = sample
        moved.value = DecimalValue(mantissa: sample.value!.mantissa ^ 0x40, exponent: sample.value!.exponent)
        #expect(!r.sent.wasSent(moved))
    }

    @Test("each fault at a seeded rate: no crash, no contract breach, data flows, no value the device did not send",
          arguments: drivers, Fault.allCases)
    func faultAlone(name: String, fault: Fault) throws {
        let r = try Self.run(name, faults: fault.link)
        let s = r.session
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        #expect(s.counters[.framesAccepted, default: 0] > 0, "\(s.counters)")
        #expect(!Self.fresh(s).isEmpty, "no measured value came through under \(fault)")
        let invented = r.sent.invented(in: s.observations)
        // Except where the protocol itself cannot see damage: a checksum-less text protocol turns a
        // damaged digit into another valid number (FrameCheck.grammarOnly); other faults do not alter bytes.
        if !(fault == .corrupt && Self.grammarOnly(name)) {
            #expect(invented.isEmpty, "\(fault): \(invented.count) value(s) the device never sent, e.g. \(invented.prefix(3))")
        }
        for counter in s.counters.keys { #expect(counter.isWellFormed, "counter name \(counter)") }

        switch fault {
        case .corrupt:
            // Corrupted frames are rejected and counted: every frame the device sent is either
            // accepted or counted as an error (the reference decoded all of them intact).
            #expect(Self.rejected(s.counters) > 0, "\(s.counters)")
            let seen = s.counters[.framesAccepted, default: 0] + Self.rejected(s.counters)
            let sent = r.sent.referenceCounters[.framesAccepted, default: 0]
            #expect(seen <= sent && seen >= sent - r.inFlightFrames,
                    "accepted \(s.counters[.framesAccepted, default: 0]) + rejected \(Self.rejected(s.counters)) vs sent \(sent) (\(r.inFlightFrames) maybe still in flight)")
        case .split, .delay:
            // Neither damages a byte: a split frame is reassembled, a late one is still whole, and
            // every frame the device sent is accepted.
            #expect(Self.rejected(s.counters) == 0, "\(fault) is not damage: \(s.counters)")
            let accepted = s.counters[.framesAccepted, default: 0]
            let sent = r.sent.referenceCounters[.framesAccepted, default: 0]
            #expect(accepted <= sent && accepted >= sent - r.inFlightFrames,
                    "accepted \(accepted) vs sent \(sent) (\(r.inFlightFrames) maybe still in flight)")
        case .drop, .duplicate:
            break
        }
        if fault == .split || fault == .delay {
            // Both stay far inside every protocol time-out: the session never goes silent.
            #expect(!s.links.contains { $0.kind == .silent }, "\(s.links.map(\.kind))")
        }
    }

    @Test("a stall longer than the protocol's time-out: `silent`, values no longer current, `connected` after",
          arguments: drivers)
    func stall(name: String) throws {
        // 40 s of nothing in either direction, from t = 30 s: longer than GE's 15 s and IntelliVue's 5 s.
        let stall = LinkFaults(silences: [30...70])
        let r = try Self.run(name, faults: stall, seconds: 150)
        let s = r.session
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        let links = s.links.map { (r.elapsed($0.hostTime), $0.kind) }
        let silent = try #require(links.first { $0.1 == .silent && $0.0 > 30 }, "no `silent` after the stall began: \(links)")
        #expect(silent.0 <= 70, "`silent` only after the stall ended: \(links)")
        let back = try #require(links.first { $0.1 == .connected && $0.0 > 70 }, "no `connected` after the stall: \(links)")
        // Nothing new while the line was dead: every reading in between is a re-statement marked as such.
        let during = s.numerics.filter { r.elapsed($0.hostTime) > silent.0 && r.elapsed($0.hostTime) < back.0 }
        #expect(during.allSatisfy { $0.ageNanoseconds != nil && $0.state != .valid },
                "\(during.filter { $0.ageNanoseconds == nil || $0.state == .valid }.prefix(3))")
        // And fresh values again after.
        #expect(Self.fresh(s).contains { r.elapsed($0.hostTime) > back.0 })
        // No alarm stays open across the loss of sight.
        var open = Set<String>()
        for a in s.alarms where r.elapsed(a.hostTime) <= silent.0 {
            if a.phase == .end { open.remove(a.alarmId) } else { open.insert(a.alarmId) }
        }
        let ended = Set(s.alarms.filter { $0.phase == .end }.map(\.alarmId))
        #expect(open.isSubset(of: ended), "alarms open at the stall never ended: \(open.subtracting(ended))")
        #expect(r.sent.invented(in: s.observations).isEmpty)
    }

    @Test("a stall shorter than the protocol's time-out is ridden out: no `silent`", arguments: drivers)
    func shortStall(name: String) throws {
        let r = try Self.run(name, faults: LinkFaults(silences: [30...32]), seconds: 60)
        #expect(!r.session.links.contains { $0.kind == .silent }, "\(r.session.links.map(\.kind))")
        #expect(r.sent.invented(in: r.session.observations).isEmpty)
    }

    @Test("all faults at once for ten simulated minutes: still nothing invented", arguments: drivers)
    func everythingAtOnce(name: String) throws {
        let all = LinkFaults(drop: 0.03, corrupt: 0.05, duplicate: 0.03, split: 0.2, delaySeconds: 0...0.2,
                             silences: [200...230, 400...402])
        let r = try Self.run(name, faults: all, seconds: 600, seed: 29)
        #expect(r.session.contractViolations.isEmpty, "\(r.session.contractViolations)")
        #expect(!Self.fresh(r.session).isEmpty)
        let invented = r.sent.invented(in: r.session.observations)
        if !Self.grammarOnly(name) {
            #expect(invented.isEmpty, "\(invented.count) invented, e.g. \(invented.prefix(3))")
        }
    }

    /// The driver's protocol has no checksum (``FrameCheck/grammarOnly``).
    static func grammarOnly(_ name: String) -> Bool {
        (try? DriverCatalog.registry.driverType(named: name).descriptor.frameCheck) == .grammarOnly
    }
}
