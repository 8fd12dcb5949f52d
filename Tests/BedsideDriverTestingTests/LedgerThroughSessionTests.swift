import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing

/// The promises of ``ObservationLedger`` (see its documentation: stale after 1.5 update periods,
/// absent after 3, everything stale and alarms ended on link loss, periodic snapshots with ages),
/// checked end to end on a supervised driver talking to its simulator.
@Suite("Ledger end to end")
struct LedgerThroughSessionTests {
    static func heartRates(_ s: DriverSession) -> [NumericReading] {
        s.numerics.filter { $0.metric == ToyLine.heartRate }
    }

    @Test("a value that stops updating is re-stated stale after 1.5 periods, then absent after 3")
    func staleThenAbsent() throws {
        var s = DriverSessionTests.session(simulatorOptions: ["hr-until": "5"], supervised: true)
        s.run(seconds: 15)
        let hr = Self.heartRates(s)
        let lastLive = try #require(hr.last { $0.state == .valid })
        // The device sends every second from 0.101 s; the one at 4.101 s is its last HR.
        #expect(lastLive.hostTime == VirtualClock.defaultStart.adding(seconds: 4.102))
        let stale = try #require(hr.first { $0.state == .stale })
        #expect(stale.hostTime == lastLive.hostTime.adding(seconds: 1.5))
        #expect(stale.ageNanoseconds == 1_500_000_000)
        #expect(stale.value == lastLive.value)  // the number is kept, marked
        #expect(stale.reason?.contains("no update") == true)
        let absent = try #require(hr.first { $0.state == .absent })
        #expect(absent.hostTime == lastLive.hostTime.adding(seconds: 3))
        #expect(absent.value == nil)
        #expect(absent.ageNanoseconds == 3_000_000_000)
        // Each mark is said once.
        #expect(hr.filter { $0.state == .stale }.count == 1)
        #expect(hr.filter { $0.state == .absent }.count == 1)
        #expect(s.contractViolations.isEmpty)
    }

    @Test("link loss ends open alarms under their id and marks values stale")
    func linkLoss() throws {
        var s = DriverSessionTests.session(simulatorOptions: ["alarm-from": "1"], supervised: true)
        s.run(seconds: 5)
        let started = try #require(s.alarms.first)
        #expect(started.phase == .start)
        let lossAt = s.now
        s.announce(.disconnected, detail: "the port hung up")
        let end = try #require(s.alarms.last)
        #expect(end.phase == .end)
        #expect(end.alarmId == started.alarmId)
        #expect(end.endReason == "link disconnected")
        #expect(end.hostTime == lossAt)
        let stale = try #require(Self.heartRates(s).last)
        #expect(stale.state == .stale)
        #expect(stale.hostTime == lossAt)
        #expect(stale.reason?.contains("link disconnected") == true)
        #expect(s.links.last?.kind == .disconnected)
    }

    @Test("an alarm the device stops listing ends normally, without an end reason")
    func alarmEndsOnDevice() throws {
        var s = DriverSessionTests.session(simulatorOptions: ["alarm-from": "1", "alarm-until": "3"], supervised: true)
        s.run(seconds: 6)
        #expect(s.alarms.map(\.phase) == [.start, .end])
        #expect(s.alarms[0].alarmId == s.alarms[1].alarmId)
        #expect(s.alarms[1].endReason == nil)
    }

    @Test("a snapshot every N seconds re-states the current values with their age")
    func snapshots() throws {
        let configuration = DriverConfiguration(snapshotIntervalNanoseconds: 10_000_000_000)
        var s = DriverSession(driver: ToyDriver.supervised(configuration: configuration),
                              simulator: ToySimulator(configuration: .init(options: ["alarm-from": "0"])))
        s.run(seconds: 25)
        let snaps = s.snapshots
        #expect(snaps.map(\.hostTime) == [10, 20].map { VirtualClock.defaultStart.adding(seconds: $0) })
        for snap in snaps {
            let hr = try #require(snap.numerics.first)
            #expect(snap.numerics.count == 1)
            // The last HR before the snapshot arrived at x.102 s, so it is 0.898 s old.
            #expect(hr.ageNanoseconds == 898_000_000)
            let lastBefore = try #require(Self.heartRates(s).last { $0.hostTime <= snap.hostTime && $0.ageNanoseconds == nil })
            #expect(hr.value == lastBefore.value)
            #expect(hr.state == .valid)
            #expect(snap.activeAlarms.map(\.text) == ["HR-HI"])
        }
    }
}

@Suite("Ledger and driver alarm ends together")
struct LedgerAlarmEndTests {
    @Test("a device going silent ends each open alarm exactly once, though both driver and ledger end it")
    func oneEndPerAlarm() throws {
        // The device stops being heard from 3 s on; the driver reports `silent` after 5 s without a
        // valid frame and ends its alarms itself, as drivers must; the ledger ends them on `silent` too.
        var s = DriverSession(driver: ToyDriver.supervised(configuration: DriverConfiguration(snapshotIntervalNanoseconds: nil)),
                              simulator: ToySimulator(configuration: .init(options: ["alarm-from": "1"])),
                              toDriverFaults: LinkFaults(silences: [3...60]))
        s.run(seconds: 12)
        #expect(s.links.map(\.kind).contains(.silent))
        let starts = s.alarms.filter { $0.phase == .start }
        try #require(starts.count == 1)
        let ends = s.alarms.filter { $0.phase == .end }
        #expect(ends.count == 1, "\(ends.map { "\($0.alarmId) \($0.endReason ?? "-")" })")
        #expect(ends.first?.alarmId == starts[0].alarmId)
        // The driver ended it in the same call that reported the silence: its own end stands.
        #expect(ends.first?.endReason == "device silent")
    }

    @Test("an alarm the ledger ended on link loss is not ended again when the driver ends it later")
    func driverEndAfterLedgerEnd() throws {
        var s = DriverSession(driver: ToyDriver.supervised(configuration: DriverConfiguration(snapshotIntervalNanoseconds: nil)),
                              simulator: ToySimulator(configuration: .init(options: ["alarm-from": "1"])),
                              toDriverFaults: LinkFaults(silences: [3...60]))
        s.run(seconds: 4)
        s.announce(.disconnected, detail: "the port hung up")
        s.run(seconds: 8)  // the driver then notices the silence and ends its alarms itself
        #expect(s.links.map(\.kind) == [.disconnected, .silent])
        let ends = s.alarms.filter { $0.phase == .end }
        #expect(ends.count == 1)
        #expect(ends.first?.endReason == "link disconnected")
    }
}
