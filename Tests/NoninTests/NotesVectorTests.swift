import BedsideDriver
import BedsideModel
import Testing
@testable import Nonin

/// The real format 2 capture of monitors.md §D.12 and the layouts of C.1; expected values are the
/// notes' decoded packet (HR 74, SpO2 96, rev 0x94, …), not our simulator's.
@Suite struct NotesVectorTests {
    @Test func theRealFormat2PacketDecodesAsTheNotesSay() {
        let out = run(realFormat2)
        #expect(out.counters[.framesAccepted] == 1, "one complete packet between the two SYNC frames")
        #expect(out.counters[.checksumErrors] == nil)
        let hr = out.reading("HR")
        #expect(hr?.metric.referenceID == "MDC_PULS_OXIM_PULS_RATE" && hr?.value == DecimalValue(mantissa: 74) && hr?.state == .valid)
        let spo2 = out.reading("SPO2")
        #expect(spo2?.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && spo2?.value == DecimalValue(mantissa: 96) && spo2?.unit == "%")
        for key in ["SPO2-D", "SPO2-FAST", "SPO2-BB", "E-SPO2", "E-SPO2-D"] {
            #expect(out.reading(key)?.value == DecimalValue(mantissa: 96), "\(key)")
        }
        for key in ["E-HR", "HR-D", "E-HR-D"] {
            #expect(out.reading(key)?.value == DecimalValue(mantissa: 74), "\(key)")
        }
        #expect(out.identity?.softwareVersion == "0x94")
        let wave = out.waves.first
        #expect(out.waves.count == 1 && wave?.samples.count == 25)
        #expect(wave?.samples.first == 67 && wave?.samples.last == 161)
        #expect(wave?.metric.referenceID == "MDC_PULS_OXIM_PLETH" && wave?.samplePeriodNanoseconds == 1_000_000_000 / 75)
        #expect(out.transmit.isEmpty, "listen-only by default")
    }

    @Test func everyQualityFlagBecomesAReadingState() {
        // Status bits (C.1): 0x40 SNSD, 0x20 ARTF, 0x10 OOT, 0x08 SNSA; perfusion bits 2-1.
        let cases: [(UInt8, MeasurementState, String, Bool)] = [
            (0x20, .questionable, "artifact", false),
            (0x10, .invalid, "out of track", false),
            (0x08, .invalid, "sensor alarm", true),
            (0x40, .invalid, "sensor disconnected", true),
            (0x04, .questionable, "low perfusion", false),
            (0x06, .questionable, "marginal perfusion", false),
        ]
        for (bits, state, text, alert) in cases {
            let out = run(realPacket(orStatus: bits))
            let hr = out.reading("HR")
            #expect(hr?.value == DecimalValue(mantissa: 74), "the number is kept (\(text))")
            #expect(hr?.state == state, "\(text)")
            #expect(hr?.reason?.contains(text) == true, "\(text): \(hr?.reason ?? "nil")")
            #expect(out.waves.first?.state == state)
            #expect(out.alarms.contains { $0.text.contains(text) && $0.category == .technical } == alert, "\(text) alert")
        }
        // Green perfusion (01) is no flag.
        #expect(run(realPacket(orStatus: 0x02)).reading("SPO2")?.state == .valid)
    }

    @Test func aFlagInOneFrameAppliesToThePacket() {
        var bytes = realPacket(orStatus: 0)
        let i = 12 * 5  // frame 12
        bytes.replaceSubrange(i..<(i + 5), with: frame2(status: bytes[i + 1] | 0x20, pleth: bytes[i + 2], float: bytes[i + 3]))
        #expect(run(bytes).reading("SPO2")?.state == .questionable)
    }

    @Test func format8HeartRateAbove127AndMissingValues() {
        // HR 130 = bits 8-7 in STATUS bits 1-0 (01) and bits 6-0 = 2: the value OpenICE gets wrong (C.1 pitfalls).
        let packets: [UInt8] = [0x81, 0x02, 0x61, 0x00] + [0x83, 0x7F, 0x7F, 0x00] + [0x80, 0x48, 0x60, 0x08] + [0x80]
        let out = run(packets, options: ["format": "8"])
        let hr = out.numerics.filter { $0.metric.vendorCode == "nonin:HR" }
        let spo2 = out.numerics.filter { $0.metric.vendorCode == "nonin:SPO2" }
        #expect(hr.count == 3)
        #expect(hr[0].value == DecimalValue(mantissa: 130) && spo2[0].value == DecimalValue(mantissa: 97))
        // 511 and 127: the device's missing values.
        #expect(hr[1].state == .absent && hr[1].value == nil && spo2[1].state == .absent)
        // STATUS2 bit 3: sensor alarm, unusable data.
        #expect(hr[2].value == DecimalValue(mantissa: 72) && hr[2].state == .invalid)
        #expect(out.alarms.contains { $0.text.contains("sensor alarm") })
    }

    @Test func format8FlagsOfTheStatusByte() {
        let cases: [(UInt8, MeasurementState, String)] = [
            (0x40, .invalid, "sensor disconnected"), (0x20, .invalid, "out of track"), (0x10, .questionable, "low perfusion"),
            (0x08, .questionable, "marginal perfusion"), (0x04, .questionable, "artifact"),
        ]
        for (bit, state, text) in cases {
            let out = run([0x80 | bit, 0x48, 0x60, 0x00, 0x80], options: ["format": "8"])
            #expect(out.reading("HR")?.state == state && out.reading("HR")?.reason?.contains(text) == true, "\(text)")
        }
    }

    @Test func theSetFormatCommandIsSentOnlyWhenAsked() {
        #expect(run([], options: ["format": "7"]).transmit.isEmpty)
        #expect(run([], options: ["format": "7", "select-format": "on"]).transmit == [0x02, 0x70, 0x02, 0x02, 0x07, 0x03])
        #expect(run([], options: ["format": "2", "select-format": "on"]).transmit == [0x02, 0x70, 0x02, 0x02, 0x02, 0x03])
    }

    @Test func theSimulatorAcceptsOpenICEsLongFormCommand() {
        // monitors.md §D.13: OpenICE's set-format-7 command, with its checksum 0x9e.
        var sim = NoninSimulator(configuration: .init(options: ["format": "2"]))
        var out = SimulatorOutput()
        sim.start(now: t0, into: &out)
        out.reset()
        sim.receive([0x02, 0x70, 0x04, 0x02, 0x07, 0x21, 0x9e, 0x03], now: t0, into: &out)
        #expect(out.transmit == [0x06])
        #expect(sim.format == .format7)
    }
}
