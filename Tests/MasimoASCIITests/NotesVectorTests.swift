import BedsideDriver
import BedsideModel
import Testing
@testable import MasimoASCII

/// The lines quoted in monitors.md §D.14–16, decoded; expected values are read off the notes'
/// text (C.2 field table and bit tables), not produced by our simulator.
@Suite struct NotesVectorTests {
    @Test func rad8LineGivesSpO2PulseAndPerfusionWithTheDeviceClock() {
        let (out, identity) = decode([NotesLines.rad8])
        #expect(out.counters[.framesAccepted] == 1)
        #expect(identity?.serialNumber == "0000056661")
        let spo2 = out.reading("masimo:SPO2")
        #expect(spo2?.metric.referenceID == "MDC_PULS_OXIM_SAT_O2")
        #expect(spo2?.metric.code == 150456)
        #expect(spo2?.value == dec("98") && spo2?.unit == "%" && spo2?.state == .valid)
        #expect(spo2?.deviceTime?.rfc3339 == "2016-02-22T22:47:45Z" || spo2?.deviceTime?.rfc3339 == "2016-02-22T22:47:45+00:00")
        let bpm = out.reading("masimo:BPM")
        #expect(bpm?.metric.referenceID == "MDC_PULS_OXIM_PULS_RATE" && bpm?.value == dec("97") && bpm?.unit == "/min")
        let pi = out.reading("masimo:PI")
        #expect(pi?.metric.referenceID == "MDC_PULS_OXIM_PERF_REL" && pi?.value?.text == "3.60" && pi?.state == .valid)
        for absent in ["SPCO", "SPMET", "DESAT", "PIDELTA"] {
            #expect(out.reading("masimo:\(absent)")?.state == .absent, "\(absent)")
            #expect(out.reading("masimo:\(absent)")?.value == nil)
        }
        // EXC 0x800 is the normal-operation flag: no alert.
        #expect(out.alarms.isEmpty)
    }

    @Test func deviceClockIsResolvedInTheDeviceZone() {
        let (out, _) = decode([NotesLines.rad8], zone: FixedOffsetTimeZone(offsetSeconds: 3600))
        #expect(out.reading("masimo:SPO2")?.deviceTime?.rfc3339 == "2016-02-22T22:47:45+01:00")
    }

    @Test func rad8WithoutSensorSaysWhyEveryValueIsAbsent() {
        let (out, identity) = decode([NotesLines.rad8NoSensor])
        #expect(identity?.serialNumber == "0000093112")
        let spo2 = out.reading("masimo:SPO2")
        #expect(spo2?.state == .absent && spo2?.value == nil)
        #expect(spo2?.reason?.contains("no sensor") == true)
        // BPM=---% (a percent sign on the pulse rate, as this firmware prints it) is still the pulse rate, absent.
        #expect(out.reading("masimo:BPM")?.state == .absent)
        // This firmware sends no PI: nothing is invented for it.
        #expect(out.reading("masimo:PI") == nil)
        #expect(out.alarms.count == 1)
        #expect(out.alarms.first?.phase == .start && out.alarms.first?.category == .technical)
        #expect(out.alarms.first?.text == "no sensor")
    }

    @Test func colourRad7LowSignalIQMakesValuesQuestionableAndUnknownFieldsStayUnknown() {
        let (out, identity) = decode([NotesLines.colourRad7])
        #expect(out.counters[.framesAccepted] == 1)
        // SN=---------- is "no serial number", not a serial number.
        #expect(identity == nil)
        let spo2 = out.reading("masimo:SPO2")
        #expect(spo2?.value == dec("98") && spo2?.state == .questionable)
        #expect(spo2?.reason?.contains("low signal IQ (EXC 0x400)") == true)
        #expect(out.reading("masimo:BPM")?.value == dec("123"))
        // PI printed without '%' (this firmware): still PI, 0.55.
        #expect(out.reading("masimo:PI")?.value?.text == "0.55")
        for absent in ["SPCO", "SPMET", "SPHB", "SPOC", "DESAT", "PIDELTA", "PVI"] {
            #expect(out.reading("masimo:\(absent)")?.state == .absent, "\(absent)")
        }
        // RESVD is in no table: forwarded under its own key, unmapped, never as another metric.
        let resvd = out.reading("masimo:RESVD")
        #expect(resvd != nil && resvd?.metric.isMapped == false && resvd?.state == .absent && resvd?.value == nil)
        #expect(out.counters["fields.unknown"] == 1)
        // 0x400 is an alert; 0x800 is not; EXC1 = 0 adds nothing.
        #expect(out.alarms.map(\.text) == ["low signal IQ"])
    }

    @Test func radical7ServiceManualLineIsAllAbsent() {
        let (out, identity) = decode([NotesLines.radical7])
        #expect(identity?.serialNumber == "0000070986")
        #expect(out.numerics.count == 8)
        #expect(out.numerics.allSatisfy { $0.state == .absent && $0.value == nil })
        #expect(out.alarms.isEmpty)
    }

    @Test func manualExampleWithSensorOffKeepsNumbersButMarksThemInvalid() {
        let (out, _) = decode([NotesLines.manual])
        let expected: [(String, String)] = [("SPO2", "98"), ("BPM", "240"), ("PI", "20.00"), ("SPCO", "1.0"), ("SPMET", "0.5"),
                                            ("DESAT", "1"), ("PIDELTA", "-2"), ("PVI", "27")]
        for (key, value) in expected {
            let r = out.reading("masimo:\(key)")
            #expect(r?.value?.text == value, "\(key)")
            // EXC 0x820: 0x20 "sensor off" — a number shown with the sensor off is not a measurement.
            #expect(r?.state == .invalid, "\(key)")
            #expect(r?.reason?.contains("sensor off (EXC 0x20)") == true)
        }
        #expect(out.alarms.map(\.text) == ["sensor off"])
    }

    @Test func radical5ShortBitFieldsAndSilencedFlag() {
        let (out, identity) = decode([NotesLines.radical5])
        #expect(identity == nil)
        #expect(out.reading("masimo:SPO2")?.value == dec("97") && out.reading("masimo:SPO2")?.state == .valid)
        #expect(out.reading("masimo:BPM")?.value == dec("64"))
        #expect(out.reading("masimo:PI")?.value?.text == "11.82")
        // ALARM=20: 0x20 "alarm silenced" with no condition: said, with the silenced flag.
        #expect(out.alarms.count == 1)
        #expect(out.alarms.first?.flags.contains(.silenced) == true)
    }

    @Test func alarmBitsBecomeAlarmsAboutTheirMeasurement() {
        let line = "02/22/16 22:47:45 SN=0000056661 SPO2=087% BPM=131 PI=03.60% ALARM=0016 EXC=000800"
        let (out, _) = decode([line])
        // 0x16 = 0x2 SpO2 low + 0x4 pulse rate high + 0x10 alarm active.
        let texts = out.alarms.map(\.text)
        #expect(texts == ["SpO2 low", "Pulse rate high"])
        #expect(out.alarms.allSatisfy { $0.category == .physiological && $0.phase == .start })
        #expect(out.alarms.first?.metric?.referenceID == "MDC_PULS_OXIM_SAT_O2")
        #expect(out.alarms.last?.metric?.referenceID == "MDC_PULS_OXIM_PULS_RATE")
        // Next second the alarms are gone: they end.
        let (both, _) = decode([line, NotesLines.rad8])
        #expect(both.alarms.filter { $0.phase == .end }.count == 2)
    }

    @Test func unknownAlarmAndExceptionBitsAreReportedNotDropped() {
        let line = "02/22/16 22:47:45 SPO2=097% BPM=064 ALARM=8000 EXC=1000800"
        let (out, _) = decode([line])
        #expect(out.alarms.contains { $0.text.contains("Unknown alarm bit 0x8000") && $0.category == .unknown })
        #expect(out.alarms.contains { $0.text.contains("Unknown exception bit 0x1000000") && $0.category == .technical })
        #expect(out.reading("masimo:SPO2")?.state == .questionable)
        #expect(out.reading("masimo:SPO2")?.reason?.contains("unknown exception bit") == true)
    }

    @Test func fieldsAreReadByKeyWhateverTheOrderOrExtraFields() {
        let line = "02/22/16 22:47:45 NEWFIELD=012 BPM=070 SPO2=095% ALARM=0000 EXC=000800"
        let (out, _) = decode([line])
        #expect(out.reading("masimo:SPO2")?.value == dec("95"))
        #expect(out.reading("masimo:BPM")?.value == dec("70"))
        let unknown = out.reading("masimo:NEWFIELD")
        #expect(unknown?.metric.isMapped == false && unknown?.value == nil && unknown?.state == .invalid)
        #expect(unknown?.reason?.contains("NEWFIELD=012") == true, "the text is kept")
        #expect(out.counters[.unmappedCodes] == 1)
    }

    @Test func theOximeterIsNeverSentAnything() {
        let (out, _) = decode(NotesLines.all)
        #expect(out.transmit.isEmpty)
        #expect(out.counters[.framesAccepted] == NotesLines.all.count)
        #expect(out.counters[.malformedFrames] == nil)
    }
}
