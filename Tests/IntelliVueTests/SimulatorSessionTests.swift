import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// Simulator ↔ driver in memory on a virtual clock, and the simulator's own monitor behaviour.
@Suite struct SimulatorSessionTests {
    @Test func fullSessionAssociatesPollsAndReleases() {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 3, scenarioSpeed: 1))
        b.start()
        b.advance(seconds: 30)
        #expect(b.driver.stateName == "associated")
        #expect(b.simulator.stateName == "associated")
        #expect(b.run.links.map(\.kind).filter { $0 != .error } == [.requesting, .connected])
        #expect(b.run.identity == DeviceIdentityUpdate(model: "Philips M8000-SIM", serialNumber: "SIM0000001", softwareVersion: "J.10.26-sim"))
        let refs = Set(b.run.numerics.compactMap(\.metric.referenceID))
        for r in ["MDC_ECG_HEART_RATE", "MDC_PULS_OXIM_PULS_RATE", "MDC_PULS_OXIM_SAT_O2", "MDC_PULS_OXIM_PERF_REL",
                  "MDC_PRESS_BLD_ART_ABP_SYS", "MDC_PRESS_BLD_ART_ABP_DIA", "MDC_PRESS_BLD_ART_ABP_MEAN",
                  "MDC_PRESS_BLD_NONINV_SYS", "MDC_TTHOR_RESP_RATE", "MDC_AWAY_RESP_RATE", "MDC_AWAY_CO2_ET", "MDC_TEMP_CORE"] {
            #expect(refs.contains(r), "\(r)")
        }
        // Simulated values carry the protocol's DEMO_DATA bit: never valid patient data.
        #expect(b.run.numerics.allSatisfy { $0.state == .demo && $0.reason?.contains("DEMO_DATA") == true })
        #expect(b.run.numerics.allSatisfy { $0.value != nil && $0.deviceTime != nil && $0.unit != nil && $0.unitCode != nil })
        #expect(b.run.waves.allSatisfy { $0.state == .demo && $0.unitCode != nil })
        // The simulated monitor says it is in demo mode, and the driver says so once per association.
        #expect(b.run.links.filter { $0.kind == .error }.allSatisfy { $0.detail?.contains("DEMO mode") == true })
        // NBP is episodic: reported when the cuff value changes, not on every poll.
        let nbp = b.run.numerics.filter { $0.metric.referenceID == "MDC_PRESS_BLD_NONINV_SYS" }
        #expect(nbp.allSatisfy { $0.episodic })
        #expect(nbp.count < b.run.numerics.filter { $0.metric.referenceID == "MDC_ECG_HEART_RATE" }.count)
        // Device time follows the monitor clock, within its 1 s resolution of the host clock here.
        #expect(b.run.numerics.allSatisfy { abs($0.deviceTime!.instant.nanoseconds(since: $0.hostTime)) < 1_100_000_000 })
        let waves = Set(b.run.waves.compactMap(\.metric.referenceID))
        #expect(waves == ["MDC_ECG_ELEC_POTL_II", "MDC_PULS_OXIM_PLETH", "MDC_AWAY_CO2"])
        let ecg = b.run.waves.filter { $0.metric.referenceID == "MDC_ECG_ELEC_POTL_II" }
        #expect(ecg.count >= 100)  // 256 ms blocks for ~29 s
        #expect(b.run["frames.checksum-error"] == 0 && b.run["frames.malformed"] == 0 && b.run["attributes.malformed"] == 0)
        b.stopDriver()
        b.advance(seconds: 1)
        #expect(b.driver.stateName == "stopped")
        #expect(b.simulator.stateName == "waiting-for-association")
        #expect(b.run["release.confirmed"] == 1)
        #expect(b.run.counters.keys.allSatisfy { DriverCounter($0).isWellFormed }, "\(b.run.counters.keys.sorted())")
    }

    @Test func scenarioAndAlarmsFollowTheScript() {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 11, scenarioSpeed: 60))  // 1 s = 1 scenario minute
        b.start()
        b.advance(seconds: 62)
        func hr(atMinute m: Double) -> Int {
            let readings = b.run.numerics.filter {
                $0.metric.referenceID == "MDC_ECG_HEART_RATE" && abs($0.hostTime.nanoseconds(since: t(0)) - Int64(m * 1e9)) < 1_500_000_000
            }
            return readings.compactMap { $0.value.map { Int($0.doubleValue) } }.max() ?? -1
        }
        #expect((68...76).contains(hr(atMinute: 3)))
        #expect((92...100).contains(hr(atMinute: 22)))
        #expect((74...82).contains(hr(atMinute: 55)))
        let spo2 = b.run.numerics.filter { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" }.compactMap { $0.value?.doubleValue }
        #expect(spo2.min()! < 90 && spo2.max()! >= 96)
        let alarms = b.run.alarms.map { "\($0.phase.rawValue) \($0.text)" }
        #expect(alarms.contains("start ** HR High") && alarms.contains("end ** HR High"))
        #expect(alarms.contains("start *** SpO₂ Low") && alarms.contains("end *** SpO₂ Low"))
        let hrHigh = b.run.alarms.first { $0.text == "** HR High" }
        #expect(hrHigh?.category == .physiological && hrHigh?.priority == .medium && hrHigh?.metric?.referenceID == "MDC_ECG_HEART_RATE")
        #expect(hrHigh?.vendorCode == "intellivue:alert:0x4182:0x0028")
        // NOM_EVT_HI (40) is MDC_EVT_HI; the simulated monitor flags its alarms demo.
        #expect(hrHigh?.event?.code == 196648 && hrHigh?.event?.referenceID == "MDC_EVT_HI")
        #expect(hrHigh?.flags.contains(.demo) == true)
        // Every instance has one start and one end under one id, in that order.
        for id in Set(b.run.alarms.map(\.alarmId)) {
            #expect(b.run.alarms.filter { $0.alarmId == id }.map(\.phase).filter { $0 != .update } == [.start, .end])
        }
    }

    @Test func runsAreDeterministicFromTheSeed() {
        func wire(_ seed: UInt64) -> [[UInt8]] {
            var b = SessionBench(simulator: SimulatorConfiguration(seed: seed, scenarioSpeed: 10))
            b.start(); b.advance(seconds: 8)
            return b.wire.map(\.bytes)
        }
        #expect(wire(5) == wire(5))
        #expect(wire(5) != wire(6))
    }

    @Test func secondAssociationIsRefused() {
        var b = SessionBench()
        b.start(); b.advance(seconds: 3)
        var out = SimulatorOutput()
        let aarq = AssociationMessages.associationRequest(b.driver.proposedProfile)
        b.simulator.receive(IntelliVueFrameEncoder.frame(aarq), now: b.now, into: &out)
        #expect(out.transmit == IntelliVueFrameEncoder.frame(AssociationMessages.refuse))
        #expect(b.simulator.stateName == "associated")
    }

    @Test func unconfirmedMDSCreateIsResentThenAborted() {
        var sim = IntelliVueSimulator(configuration: SimulatorConfiguration())
        var out = SimulatorOutput()
        sim.start(now: t(0), into: &out)
        let aarq = AssociationMessages.associationRequest(IntelliVueDriver(configuration: .init()).proposedProfile)
        sim.receive(IntelliVueFrameEncoder.frame(aarq), now: t(0), into: &out)
        var messages: [(Double, [UInt8])] = []
        func drain(_ at: Double) {
            var d = IntelliVueFrameDecoder()
            out.transmit.withUnsafeBytes { raw in var i = 0; while let e = d.next(in: raw, from: &i) { if e == .frame { messages.append((at, d.message)) } } }
            out.reset()
        }
        drain(0)
        while let d = out.nextDeadline, d <= t(20) {
            out.nextDeadline = nil
            sim.tick(now: d, into: &out)
            drain(Double(d.nanoseconds(since: t(0))) / 1e9)
        }
        let kinds = messages.map { ($0.0, $0.1[0]) }
        #expect(kinds.map(\.1) == [0x0e, 0xe1, 0xe1, 0xe1, 0x19])
        #expect(kinds.map(\.0) == [0, 0, 3, 6, 9])
        #expect(messages.last?.1 == AssociationMessages.abort)
        #expect(sim.stateName == "waiting-for-association")
    }

    @Test func associationTimeoutAborts() {
        var b = SessionBench()
        b.start(); b.advance(seconds: 3)
        b.cablePulled = true  // the host goes quiet; the monitor keeps its timer
        b.advance(seconds: 140)
        let abortTimes = b.wire.filter { $0.from == .monitor && $0.bytes == IntelliVueFrameEncoder.frame(AssociationMessages.abort) }
        #expect(abortTimes.count == 1)
        // 800 000-tick minimum poll period → 130 s timeout after the last client message.
        let lastHost = b.wire.filter { $0.from == .host }.map(\.time).filter { $0 <= t(3) }.max()!
        #expect(abs(abortTimes[0].time.nanoseconds(since: lastHost) - 130_000_000_000) < 1_000_000_000)
    }

    @Test func droppedAssociationIsRecovered() {
        var b = SessionBench(simulator: SimulatorConfiguration(options: ["misbehave": "drop-association@10"]))
        b.start(); b.advance(seconds: 20)
        #expect(b.run.links.map(\.kind).filter { $0 != .error } == [.requesting, .connected, .disconnected, .requesting, .connected])
        #expect(b.driver.stateName == "associated")
        let late = b.run.numerics.filter { $0.hostTime > t(15) }
        #expect(!late.isEmpty)
    }

    /// The monitor drops the association while "** HR High" is active (scenario minute 21 at
    /// speed 60): the alarm is ended with a reason, and the next association starts it afresh under
    /// a new id — never left open, never silently forgotten.
    @Test func reassociationEndsOpenAlarms() {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 11, scenarioSpeed: 60, options: ["misbehave": "drop-association@21"]))
        b.start(); b.advance(seconds: 26)
        let spo2 = b.run.alarms.filter { $0.text == "** HR High" }
        let ended = try? #require(spo2.first { $0.phase == .end && $0.endReason != nil })
        #expect(ended?.endReason?.contains("association") == true)
        #expect(spo2.first?.phase == .start && spo2.first?.alarmId == ended?.alarmId)
        let restarted = spo2.last { $0.phase == .start }
        #expect(restarted != nil && restarted?.alarmId != ended?.alarmId)
    }

    @Test func silenceAndCablePullAreRecovered() {
        var b = SessionBench(simulator: SimulatorConfiguration(options: ["misbehave": "silence@10+8"]))
        b.start(); b.advance(seconds: 40)
        let kinds = b.run.links.map(\.kind).filter { $0 != .error }
        #expect(kinds.prefix(3) == [.requesting, .connected, .silent])
        #expect(kinds.last == .connected)
        #expect(b.driver.stateName == "associated")
        #expect(b.run.numerics.contains { $0.hostTime > t(30) })
    }

    @Test func monitorRestartIsRecovered() {
        var b = SessionBench(simulator: SimulatorConfiguration(options: ["misbehave": "restart@10"]))
        b.start(); b.advance(seconds: 25)
        #expect(b.run.links.map(\.kind).contains(.silent))
        #expect(b.driver.stateName == "associated")
        #expect(b.run.numerics.contains { $0.hostTime > t(20) })
    }

    @Test func corruptFrameIsDroppedNotDecoded() {
        var b = SessionBench(simulator: SimulatorConfiguration(options: ["misbehave": "corrupt-frame@10"]))
        b.start(); b.advance(seconds: 15)
        #expect(b.run["frames.checksum-error"] == 1)
        #expect(b.run["frames.malformed"] == 0)
        #expect(b.driver.stateName == "associated")
    }

    @Test func refusedAssociationsAreRetried() {
        var b = SessionBench(simulator: SimulatorConfiguration(options: ["misbehave": "refuse-associations"]))
        b.start(); b.advance(seconds: 6)
        #expect(b.run.links.filter { $0.kind == .disconnected }.count >= 2)
        #expect(b.run.links.first { $0.kind == .disconnected }?.detail?.contains("refused") == true)
        #expect(b.run.numerics.isEmpty)
    }

    @Test func badMisbehaviourOptionsAreReported() {
        let sim = IntelliVueSimulator(configuration: SimulatorConfiguration(options: ["misbehave": "explode@3,silence"]))
        #expect(sim.optionProblems.count == 2)
    }

    @Test func demographicsStayOutUnlessEnabled() {
        var off = SessionBench(simulator: SimulatorConfiguration(seed: 1))
        off.start(); off.advance(seconds: 10)
        #expect(!off.messages(from: .host).contains { $0.count > 33 && $0[33] == 0x2a })  // never polled
        var on = SessionBench(driver: DriverConfiguration(options: ["demographics": "on"]), simulator: SimulatorConfiguration(seed: 1))
        on.start(); on.advance(seconds: 10)
        let measures = on.run.numerics.filter { $0.metric.vendorCode.hasPrefix("intellivue:attribute:") }
        #expect(measures.map(\.displayLabel).contains("patient height"))
        #expect(measures.first { $0.displayLabel == "patient weight" }?.value?.text == "72.5")
        #expect(measures.first { $0.displayLabel == "patient weight" }?.unit == "kg")
        // Names and ids never leave the driver, enabled or not.
        let feed = on.run.observations.map { "\($0)" }.joined()
        #expect(!feed.contains("Simpatient") && !feed.contains("SIM-0042") && !feed.contains("Alex"))
    }

    @Test func waveformsCanBeTurnedOff() {
        var b = SessionBench(driver: DriverConfiguration(waveformsEnabled: false))
        b.start(); b.advance(seconds: 5)
        #expect(b.run.waves.isEmpty)
        #expect(!b.messages(from: .host).contains { $0.count > 33 && $0[33] == 0x09 })
    }
}
