import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import BedsideScenario
import Testing
@testable import BBraunBCC

/// The driver against the rack simulator playing the scripted one-hour session, on a virtual clock.
@Suite("BCC simulated rack sessions")
struct SimulatorSessionTests {
    static func session(options: [String: String] = [:], driverOptions: [String: String] = [:],
                        toDriverFaults: LinkFaults = .none, toDeviceFaults: LinkFaults = .none, seed: UInt64 = 1) -> DriverSession {
        DriverSession(
            driver: BBraunBCCDriver.supervised(configuration: DriverConfiguration(options: driverOptions)),
            simulator: BBraunBCCSimulator(configuration: SimulatorConfiguration(seed: seed, options: options)),
            seed: seed, toDriverFaults: toDriverFaults, toDeviceFaults: toDeviceFaults)
    }

    static func events(_ s: DriverSession, subdevice: String) -> [InfusionEvent] {
        s.observations.compactMap { if case .infusionEvent(let e) = $0, e.subdevice == subdevice { e } else { nil } }
    }

    /// What the session script (InfusionSessionTimeline) says must be charted for the ketamine pump.
    static let ketamineScript: [InfusionEvent.Kind] = [
        .started, .bolusStarted,  // loading dose
        .bolusEnded,              // maintenance
        .rateChanged,             // titration up
        .paused,                  // desaturation
        .resumed,                 // titrated down
        .alarmRaised, .paused,    // occlusion stops the pump
        .alarmCleared,
        .resumed,
        .nearEnd,
        .alarmRaised, .completed, // VTBI reached
    ]

    @Test("One hour: the ketamine pump's events follow the script exactly once, at their times")
    func fullSession() throws {
        var s = Self.session()
        s.run(seconds: 3590)
        #expect(s.contractViolations.isEmpty)
        let ketamine = Self.events(s, subdevice: "pillar1/slot1")
        #expect(ketamine.map(\.kind) == Self.ketamineScript)
        typealias T = InfusionSessionTimeline
        let times = ketamine.map { Double($0.hostTime.nanoseconds(since: Timestamp(nanosecondsSinceEpoch: 0))) / 1e9 }
        let start = Double(s.now.nanoseconds(since: Timestamp(nanosecondsSinceEpoch: 0))) / 1e9 - s.elapsedSeconds
        let expected = [T.loadingDoseStart, T.loadingDoseStart, T.maintenanceStart, T.titrationUp, T.pause, T.resumeTitratedDown,
                        T.occlusion, T.occlusion, T.occlusionCleared, T.occlusionRestart, T.nearEnd, T.complete, T.complete]
        for (t, e) in zip(times, expected) {
            // Polled every 5 s (plus pacing): each event within one poll of its scripted time.
            #expect(t - start >= e && t - start < e + 7, "event at \(t - start) s, scripted \(e) s")
        }
        let rateChange = try #require(ketamine.first { $0.kind == .rateChanged })
        #expect(rateChange.previousRate?.value == DecimalValue("3.50"))
        #expect(rateChange.channel?.programmedRate?.value == DecimalValue("4.90"))
        let resumed = try #require(ketamine.first { $0.kind == .resumed })
        #expect(resumed.previousRate?.value == DecimalValue("4.90"))
        #expect(resumed.event?.code == 197288)
        let occlusion = try #require(ketamine.first { $0.kind == .alarmRaised })
        #expect(occlusion.detail == "pressure too high")
        #expect(ketamine.last?.channel?.status == .completed)
        // The carrier channel starts once and runs on.
        #expect(Self.events(s, subdevice: "pillar1/slot2").map(\.kind) == [.started])
        // Ketamine channel facts the feed must carry.
        let channel = try #require(s.observations.compactMap { if case .pumpChannel(let p) = $0, p.subdevice == "pillar1/slot1" { p } else { nil } }.last)
        #expect(channel.drug == "Ketamine 10 mg/mL")
        #expect(channel.concentration == Quantity(DecimalValue("10.000")!, unit: "mg/mL", unitCode: 264306, vendorUnit: "bbraun-bcc:unit.31"))
        #expect(channel.doseRate?.unit == "mg/kg/h" && channel.doseRate?.unitCode == 265650)
        #expect(s.subdeviceIdentities["pillar1/slot1"]?.model == "Perfusor Space")
        // The occlusion alarm has a life cycle with the IHE occlusion event.
        let alarm = try #require(s.alarms.first { $0.text == "pressure too high" && $0.phase == .start })
        #expect(alarm.event?.code == 196940 && alarm.subdevice == "pillar1/slot1")
        #expect(s.alarms.contains { $0.alarmId == alarm.alarmId && $0.phase == .end })
    }

    @Test("The bridge only ever sends ADMIN:ALIVE, ADMIN:VERSION, MEM:GET, <ACK> and <NAK>")
    func readOnly() throws {
        var s = Self.session(toDriverFaults: LinkFaults(corrupt: 0.05))
        s.run(seconds: 600)
        var decoder = BCCFrameDecoder(stuffing: false)
        var controls = 0
        for chunk in s.transmitted {
            for b in chunk.bytes {
                if !decoder.isInsideFrame, b == BCCFraming.ack || b == BCCFraming.nak { controls += 1; continue }
                for event in decoder.feed(CollectionOfOne(b)) {
                    guard case .frame(let f) = event else { Issue.record("the driver sent a malformed frame"); continue }
                    #expect(["ADMIN:ALIVE", "ADMIN:VERSION", "MEM:GET"].contains(String(decoding: f.information, as: UTF8.self)))
                }
            }
        }
        #expect(decoder.takeDiscarded() == 0, "no byte outside a frame but <ACK>/<NAK>")
        #expect(controls > 100)
    }

    @Test("Stuffing on both sides, and the INMxx/INAxx flags instead of the words: same script")
    func stuffedFlags() {
        var s = Self.session(options: ["stuffing": "on", "flags": "single"], driverOptions: ["stuffing": "on"])
        s.run(seconds: 3590)
        let kinds = Self.events(s, subdevice: "pillar1/slot1").map(\.kind)
        #expect(kinds == Self.ketamineScript)
    }

    @Test("A damaged line: NAKs recover every block, no value from a bad frame, no duplicate event")
    func corruption() {
        var s = Self.session(toDriverFaults: LinkFaults(corrupt: 0.08, split: 0.3))
        s.run(seconds: 3590)
        #expect(s.counters[.checksumErrors, default: 0] + s.counters[.malformedFrames, default: 0]
                + s.counters[DriverCounter("frames.length-error"), default: 0] > 0)
        #expect(s.contractViolations.isEmpty)
        #expect(Self.events(s, subdevice: "pillar1/slot1").map(\.kind) == Self.ketamineScript)
        // Every rate the feed carries is one the programme has.
        let rates = Set(s.numerics.filter { $0.metric.referenceID == "MDC_FLOW_FLUID_PUMP" && $0.state == .valid }.compactMap { $0.value?.text })
        #expect(rates.isSubset(of: ["3.50", "4.90", "2.80", "50.00"]), "\(rates)")
    }

    @Test("Link lost mid-infusion: values stale, one communication event per pump; recovery repeats no event")
    func linkLoss() throws {
        var s = Self.session(toDriverFaults: LinkFaults(silences: [1000...1040]), toDeviceFaults: LinkFaults(silences: [1000...1040]))
        s.run(seconds: 3590)
        let ketamine = Self.events(s, subdevice: "pillar1/slot1")
        #expect(ketamine.filter { $0.kind != .communicationChanged }.map(\.kind) == Self.ketamineScript)
        let comm = ketamine.filter { $0.kind == .communicationChanged }
        #expect(comm.map(\.detail) == ["communication lost", "communication restored"])
        #expect(comm.first?.channel?.status == .infusing)
        #expect(s.links.contains { $0.kind == .silent })
        #expect(s.numerics.contains { $0.subdevice == "pillar1/slot1" && $0.state == .stale })
        // While unseen, the channel's status is unknown; then the pump's own again.
        let states = s.observations.compactMap { if case .pumpChannel(let p) = $0, p.subdevice == "pillar1/slot1" { p } else { nil } }
        let unknown = try #require(states.firstIndex { $0.status == .unknown })
        #expect(states[unknown].drug == "Ketamine 10 mg/mL" && states[unknown].actualRate == nil)
        #expect(states[(unknown + 1)...].first?.status == .infusing)
    }

    @Test("A bridge restarted mid-infusion (a fresh driver) charts nothing twice: the first look is a baseline")
    func restartMidInfusion() {
        var s = Self.session(options: ["start": "1000"])
        s.run(seconds: 150)
        #expect(Self.events(s, subdevice: "pillar1/slot1").isEmpty)
        #expect(s.observations.contains { if case .pumpChannel(let p) = $0 { p.status == .infusing } else { false } })
    }

    @Test("Pump pulled out of the rack mid-infusion: removed (GNERR 39), values absent, added again, no duplicate")
    func pumpRemoved() throws {
        var s = Self.session(options: ["misbehave": "remove-pump@1000+60"])
        s.run(seconds: 1300)
        let kinds = Self.events(s, subdevice: "pillar1/slot1").map(\.kind)
        #expect(kinds == [.started, .bolusStarted, .bolusEnded, .pumpRemoved, .pumpAdded, .rateChanged])
        let removed = try #require(Self.events(s, subdevice: "pillar1/slot1").first { $0.kind == .pumpRemoved })
        #expect(removed.detail == "GNERR 39: pump removed from the rack")
        #expect(removed.channel?.status == .infusing)
        #expect(s.numerics.contains { $0.subdevice == "pillar1/slot1" && $0.state == .absent && $0.reason == "pump removed from the rack" })
    }

    @Test("Rack restart: its clock goes back, the session ends (disconnected, values stale) and starts again, no duplicate events")
    func rackRestart() {
        var s = Self.session(options: ["misbehave": "restart@1000"])
        s.run(seconds: 1300)
        #expect(s.links.contains { $0.kind == .disconnected && ($0.detail ?? "").contains("restarted") })
        #expect(s.numerics.contains { $0.state == .stale })
        let requests = s.links.filter { $0.kind == .requesting }.count
        #expect(requests >= 2, "ADMIN:ALIVE again after the restart")
        #expect(Self.events(s, subdevice: "pillar1/slot1").filter { $0.kind != .communicationChanged }.map(\.kind)
                == [.started, .bolusStarted, .bolusEnded, .rateChanged])
    }
}
