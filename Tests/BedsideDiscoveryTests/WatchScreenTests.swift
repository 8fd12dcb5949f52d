import BedsideModel
import BedsideRuntime
import Testing

@Suite("watch screen")
struct WatchScreenTests {
    static let t0 = Timestamp(nanosecondsSinceEpoch: 1_780_000_000_000_000_000)

    /// The feed of one GE monitor at chair-1 folded into a table model, through a real bus.
    static func model(_ observations: [Observation]) async -> LiveTableModel {
        let bus = FeedBus(bridgeId: "0000000000000001")
        let subscription = bus.subscribe(name: "test")
        let source = bus.addSource(identity: DeviceIdentity(driver: "ge-datex", vendor: "GE", port: "/dev/ttyUSB0", location: "chair-1"))
        source.publish(observations)
        bus.finish()
        var model = LiveTableModel()
        for await event in subscription { model.apply(event) }
        return model
    }

    static func numeric(_ ref: String, _ value: DecimalValue?, _ unit: String, state: MeasurementState, at seconds: Int64) -> Observation {
        .numeric(NumericReading(metric: MetricIdentity(referenceID: ref, code: nil, vendorCode: "ge:\(ref)"), value: value,
                                unit: unit, state: state, deviceTime: nil, hostTime: t0.adding(nanoseconds: seconds * 1_000_000_000)))
    }

    @Test("a frame shows link state, statistics, readings with state and age, and alarms")
    func frame() async {
        let model = await Self.model([
            .link(LinkEvent(kind: .connected, detail: "PHDB records", hostTime: Self.t0)),
            Self.numeric("MDC_ECG_HEART_RATE", 80, "/min", state: .valid, at: 10),
            Self.numeric("MDC_PULS_OXIM_SAT_O2", 97, "%", state: .valid, at: 12),
            Self.numeric("MDC_PRESS_BLD_NONINV_SYS", nil, "mm[Hg]", state: .absent, at: 12),
            .alarm(AlarmEvent(alarmId: "ge:hr-high", phase: .start, category: .physiological, priority: .high,
                              text: "HR high", deviceTime: nil, hostTime: Self.t0.adding(nanoseconds: 11_000_000_000))),
        ])
        let counters = ["/dev/ttyUSB0": ["frames.ok": 42, "frames.checksum-error": 3, "bytes.discarded": 17, "link.silences": 1]]
        let lines = WatchScreen.render(model: model, counters: counters, now: Self.t0.adding(nanoseconds: 15_500_000_000),
                                       target: "chair-1", columns: 200)
        #expect(lines[0].hasPrefix("bedside watch chair-1   "))
        #expect(lines[2] == "chair-1  ge-datex  /dev/ttyUSB0  link: connected 15 s ago")
        #expect(lines[3] == "  link   last value 3 s ago  frames 42  checksum errors 3  length errors 0  malformed 0  resync bytes 17  silences 1")
        #expect(lines[4] == "  MDC_ECG_HEART_RATE        80 /min   valid    5 s")
        #expect(lines[5] == "  MDC_PULS_OXIM_SAT_O2      97 %      valid    3 s")
        #expect(lines[6] == "  MDC_PRESS_BLD_NONINV_SYS  — mm[Hg]  absent   3 s")
        #expect(lines[7].hasPrefix("  ALARM  HIGH    HR high  since "))
        #expect(lines.count == 8)
    }

    @Test("an ended alarm leaves the screen; long lines are cut to the terminal's width")
    func endedAndCut() async {
        let model = await Self.model([
            .alarm(AlarmEvent(alarmId: "a", phase: .start, category: .technical, priority: .low, text: "lead off", deviceTime: nil, hostTime: Self.t0)),
            .alarm(AlarmEvent(alarmId: "a", phase: .end, category: .technical, priority: .low, text: "lead off", deviceTime: nil, hostTime: Self.t0)),
        ])
        let lines = WatchScreen.render(model: model, counters: [:], now: Self.t0, target: "x", columns: 40)
        #expect(!lines.contains { $0.contains("ALARM") })
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines.contains { $0.hasSuffix("…") })
    }

    @Test("ages count whole units and never go negative")
    func ages() async {
        let model = await Self.model([Self.numeric("X", 1, "1", state: .valid, at: 0)])
        for (offset, text) in [(-5, "0 s"), (119, "1"), (125, "2 min"), (3 * 3600 + 600, "3 h 10 min")] as [(Int64, String)] {
            let lines = WatchScreen.render(model: model, counters: [:], now: Self.t0.adding(nanoseconds: offset * 1_000_000_000),
                                           target: "x", columns: 200)
            #expect(lines.last?.hasSuffix(offset == 119 ? "119 s" : text) == true, "\(offset): \(lines.last ?? "")")
        }
    }
}
