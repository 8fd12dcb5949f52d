import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import GEDatex

@Suite("GE captures: golden values", .enabled(if: SharedData.available, SharedData.skipMessage))
struct CaptureGoldenTests {
    static let chunkings: [[Int]] = [[1], [7, 1, 300, 2, 64], [4096], [1_000_000]]

    @Test("B650 level 10 first PHDB record", arguments: chunkings)
    func b650FirstRecord(chunks: [Int]) throws {
        let r = Replay.run(try SharedData.bytes("b650-level10-waves-pycollect.raw"), chunkSizes: chunks)
        let hr = try #require(r.first("ge:basic.ecg.hr"))
        #expect(hr.value == DecimalValue(80))
        #expect(hr.unit == "/min")
        #expect(hr.state == .valid)
        #expect(hr.deviceTime?.instant == Timestamp(rfc3339: "2018-07-26T17:06:05Z"))
        let hrECG = try #require(r.first("ge:basic.ecg_extra.hr_ecg"))
        #expect(hrECG.value == DecimalValue(80))
        #expect(hrECG.metric.referenceID == "MDC_ECG_HEART_RATE")
        #expect(r.first("ge:basic.ecg.imp_rr")?.value == DecimalValue(15))
        #expect(r.first("ge:basic.ecg.imp_rr")?.metric.referenceID == "MDC_TTHOR_RESP_RATE")
        let sys = try #require(r.first("ge:basic.nibp.sys"))
        #expect(sys.value?.normalized == DecimalValue(93))
        #expect(sys.value == DecimalValue(raw: 9300, exponent: -2))
        #expect(sys.unit == "mm[Hg]")
        #expect(sys.metric.referenceID == "MDC_PRESS_BLD_NONINV_SYS")
        #expect(r.first("ge:basic.nibp.dia")?.value?.normalized == DecimalValue(48))
        #expect(r.first("ge:basic.nibp.mean")?.value?.normalized == DecimalValue(69))
        let spo2 = try #require(r.first("ge:basic.spo2.spo2"))
        #expect(spo2.value?.text == "96.65")
        #expect(spo2.unit == "%")
        #expect(spo2.metric.referenceID == "MDC_PULS_OXIM_SAT_O2")
        #expect(r.first("ge:basic.spo2.pr")?.value == DecimalValue(83))
        let et = try #require(r.first("ge:basic.co2.et"))
        #expect(et.value?.text == "4.87")
        #expect(et.unit == "%")
        #expect(r.first("ge:basic.co2.fi")?.value?.text == "0.26")
        let co2rr = try #require(r.first("ge:basic.co2.rr"))
        #expect(co2rr.value == DecimalValue(15))
        #expect(co2rr.metric.referenceID == "MDC_CO2_RESP_RATE")
        #expect(co2rr.source == "CO2")
        #expect(co2rr.unitCode == 264928)
        #expect(r.first("ge:basic.co2.amb_press")?.value?.text == "759.8")
        #expect(r.first("ge:basic.o2.et")?.value?.text == "76.00")
        #expect(r.first("ge:basic.o2.fi")?.value?.text == "80.00")
        for p in ["p1", "p2", "p3", "p4"] {
            let v = try #require(r.first("ge:basic.\(p).sys"))
            #expect(v.value == nil)
            #expect(v.state == .absent)
            #expect(v.reason != nil)
        }
    }

    @Test("B650 HR source 9: the selected-source rate as MDC_PULS_RATE, source unknown (9); the ECG rate has its own key")
    func heartRateSource() throws {
        let r = Replay.run(try SharedData.bytes("b650-level10-waves-pycollect.raw"))
        let hr = try #require(r.first("ge:basic.ecg.hr"))
        #expect(hr.metric.referenceID == "MDC_PULS_RATE")
        #expect(hr.metric.code == 149514)
        #expect(hr.source == "unknown (9)")
        let ecg = try #require(r.first("ge:basic.ecg_extra.hr_ecg"))
        #expect(ecg.metric.code == 147842)
        #expect(ecg.containment?.path == "1.1.1.2")
        #expect(r.first("ge:basic.spo2.pr")?.metric.code == 149530)
    }

    @Test("B650: the cuff result on screen at connection (93/48 (69), label 0x000b adult cuff + AUTO) is reported once, episodic")
    func nibpOnScreen() throws {
        let r = Replay.run(try SharedData.bytes("b650-db02-pycollect.raw"))
        let sys = r.all("ge:basic.nibp.sys")
        try #require(sys.count == 1)
        #expect(sys[0].value?.normalized == DecimalValue(93))
        #expect(sys[0].episodic)
        #expect(sys[0].mode == "auto")
        #expect(sys[0].site == "adult cuff")
        // No aux subrecord in the capture: when the cuff measured is not known, and not invented.
        #expect(sys[0].deviceTime == nil)
        #expect(r.all("ge:basic.nibp.mean").map(\.value?.normalized) == [DecimalValue(69)])
    }

    @Test("B650: SpO2 module 1 and 2 are instances 1 and 2 of one metric, in their own channels")
    func spo2Instances() throws {
        let r = Replay.run(try SharedData.bytes("b650-level10-waves-pycollect.raw"))
        let first = try #require(r.first("ge:basic.spo2.spo2"))
        #expect(first.instance == 1)
        #expect(first.unitCode == 262688)
        #expect(first.containment?.path == "1.5.1.1")
        #expect(first.containment?.vmdCode == 69642)
        #expect(first.containment?.channelCode == 69643)
        let second = try #require(r.first("ge:ext1.spo2_2.spo2"))
        #expect(second.metric.referenceID == first.metric.referenceID)
        #expect(second.instance == 2)
        #expect(second.containment?.path == "1.5.2.1")
    }

    @Test("B650 waveform frames give PLETH segments of about 100 samples at 100 Hz", arguments: [[1], [4096]])
    func b650Waveforms(chunks: [Int]) throws {
        let r = Replay.run(try SharedData.bytes("b650-level10-waves-pycollect.raw"), chunkSizes: chunks)
        let pleth = r.waveforms.filter { $0.metric.vendorCode == "ge:wave.pleth" }
        #expect(pleth.count == 10)
        for w in pleth {
            #expect((99...101).contains(w.samples.count))
            #expect(w.samplePeriodNanoseconds == 10_000_000)
            #expect(w.metric.referenceID == "MDC_PULS_OXIM_PLETH")
            #expect(w.unit == "%")
            #expect(w.scale == DecimalValue(raw: 1, exponent: -2))
        }
        #expect(pleth.first?.samples.prefix(3).map { $0 } == [-154, -157, -161])
        let entropy = r.waveforms.filter { $0.metric.vendorCode == "ge:wave.ent_100" }
        #expect(entropy.count == 10)
        #expect(r.counters["frames.ok"] == 21)
    }

    @Test("S/5 level 11 capture: 21 frames, T1, FiO2, ambient pressure", arguments: chunkings)
    func s5(chunks: [Int]) throws {
        let r = Replay.run(try SharedData.bytes("s5-level11-vscapturewave.raw"), chunkSizes: chunks)
        #expect(r.counters["frames.ok"] == 21)
        #expect(r.counters["frames.checksum-error"] == nil)
        let t1 = try #require(r.first("ge:basic.t1.temp"))
        #expect(t1.value?.text == "20.70")
        #expect(t1.unit == "Cel")
        #expect(t1.site == "T1")
        #expect(t1.instance == 1)
        #expect(t1.unitCode == 268192)
        #expect(r.first("ge:basic.o2.fi")?.value?.text == "20.89")
        #expect(r.first("ge:basic.co2.amb_press")?.value?.text == "758.3")
        #expect(r.first("ge:basic.co2.amb_press")?.unit == "mm[Hg]")
        // CO2 RR carries control code -32764 (under range): no number, state says why.
        let co2rr = try #require(r.first("ge:basic.co2.rr"))
        #expect(co2rr.value == nil)
        #expect(co2rr.state == .underRange)
        #expect(co2rr.reason?.contains("-32764") == true)
    }

    @Test("db02: every one of 213 frames decodes", arguments: [[1], [13, 977], [1_000_000]])
    func db02(chunks: [Int]) throws {
        let r = Replay.run(try SharedData.bytes("b650-db02-pycollect.raw"), chunkSizes: chunks)
        #expect(r.counters["frames.ok"] == 213)
        #expect(r.counters["frames.checksum-error"] == nil)
        #expect(r.counters["frames.length-error"] == nil)
        #expect(r.counters["bytes.discarded"] == nil)
        #expect(r.waveforms.count == 2 * 106)
        #expect(r.all("ge:basic.spo2.spo2").count == 107)
    }
}
