import BedsideCapture
import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// The real MP70 serial logs (monitor → host only) replayed into a listen-only driver through
/// the capture importer. Facts pinned here are the ones our notes verified by hand (§8).
@Suite(.enabled(if: SharedData.available, "needs ../shared/captures/intellivue-mp70 (or BEDSIDE_SHARED)"))
struct CaptureReplayTests {
    @Test(arguments: SharedData.logNames)
    func everyFrameIsValidAndDecoded(_ name: String) throws {
        let raw = try SharedData.log(name)
        #expect(IntelliVueSerialLog.looksLikeLog(Array(raw.prefix(64))))
        let capture = try IntelliVueSerialLog.importLog(raw, source: name)
        #expect(capture.header.driver == "intellivue")
        #expect(capture.header.serialSettings == SerialSettings(baudRate: 115_200))
        #expect(capture.header.note?.contains("UTC") == true)
        let run = replay(capture)
        #expect(run["frames"] == capture.chunks.count)
        for bad in ["framesBadFCS", "framesOversize", "framesTruncated", "framesAborted", "framesTooShort",
                    "framesForeignHeader", "framesLengthMismatch", "strayBytes", "pduErrors", "attributeErrors",
                    "unknownMessages", "objectsSkipped", "otherResults"] {
            #expect(run[bad] == 0, "\(name): \(bad)")
        }
        // Every frame is one of the messages the driver understands.
        #expect(run["associationsAccepted"] + run["mdsCreateEvents"] + run["pollResults"] + run["setResults"]
                + run["errorResults"] == run["frames"])
        #expect(run.transmitted.isEmpty)
        #expect(run.identity == DeviceIdentityUpdate(model: "Philips M8000", serialNumber: "DE843A1664", softwareVersion: "J.10.26"))
        #expect(run.links.first?.kind == .connected)
        #expect(run.links.first?.detail?.contains("0x88000000") == true)
        #expect(run["demographicsSuppressed"] > 0)
    }

    func latest(_ run: DriverRun, _ reference: String) -> NumericReading? {
        run.numerics.last { $0.metric.referenceID == reference }
    }

    @Test func demoModeValuesAndStates() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        func check(_ ref: String, _ value: String, _ unit: String) {
            let r = latest(run, ref)
            #expect(r?.value?.text == value, "\(ref)")
            #expect(r?.unit == unit, "\(ref)")
            #expect(r?.state == .demo, "\(ref)")
            #expect(r?.reason?.contains("DEMO_DATA") == true, "\(ref)")
            #expect(r?.deviceTime != nil, "\(ref)")
        }
        check("MDC_ECG_HEART_RATE", "60", "/min")
        check("MDC_PRESS_BLD_ART_ABP_SYS", "120", "mm[Hg]")
        check("MDC_PRESS_BLD_ART_ABP_DIA", "70", "mm[Hg]")
        check("MDC_PRESS_BLD_ART_ABP_MEAN", "91", "mm[Hg]")
        check("MDC_PULS_OXIM_SAT_O2", "95.0", "%")
        check("MDC_TEMP_BLD", "37.02", "Cel")
        check("MDC_RESP_RATE", "15", "/min")
        check("MDC_AWAY_CO2_ET", "30", "mm[Hg]")
        // Not measured in demo mode: no number, state absent, the device's reason kept.
        let nbp = try #require(latest(run, "MDC_PRESS_BLD_NONINV_SYS"))
        #expect(nbp.value == nil)
        #expect(nbp.state == .absent)
        #expect(nbp.reason == "IntelliVue state UNAVAILABLE|value NaN")
        // The two "Pulse" numerics sharing physio NOM_PULS_RATE stay apart by their private labels.
        let pulses = Set(run.numerics.filter { $0.metric.referenceID == "MDC_PULS_RATE" }.map(\.metric.vendorCode))
        #expect(pulses == ["intellivue:0x0002:0x480a/label=0x80035402", "intellivue:0x0002:0x480a/label=0x80035405"])
        // Unmapped labels are forwarded with their raw code.
        #expect(run.numerics.contains { !$0.metric.isMapped && $0.metric.vendorCode == "intellivue:0x0002:0x4b04" })
        #expect(run.links.contains { $0.kind == .error && $0.detail?.contains("DEMO mode") == true })
    }

    @Test func linkedRepliesAreReassembled() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        // Every numerics reply is a chain FIRST, NOT_FIRST_NOT_LAST ×2, LAST, then an empty RORS.
        #expect(run["linkedChainsCompleted"] == 79)
        #expect(run["linkedChainsBroken"] == 0)
        #expect(run["linkedParts"] == 316)
        // Values from every part of each chain come out: HR sits in the first part, Tblood in a later one.
        let hr = run.numerics.filter { $0.metric.referenceID == "MDC_ECG_HEART_RATE" }.count
        let tblood = run.numerics.filter { $0.metric.referenceID == "MDC_TEMP_BLD" }.count
        #expect(hr == 78)
        #expect(tblood == hr)
    }

    @Test func moduleRemovedCaptureGivesErrorsAndUnavailableStates() throws {
        let run = try replayLog("mp70-serial-everything2.log")
        #expect(run["errorResults"] == 1)
        #expect(run.links.contains { $0.kind == .error && $0.detail?.contains("PROCESSING_FAILURE") == true })
        // The logger lost whole frames here: broken chains are counted, their parts still decoded.
        #expect(run["linkedChainsBroken"] == 20)
        #expect(run.numerics.count == 2791)
        for ref in ["MDC_PRESS_BLD_NONINV_SYS", "MDC_PRESS_BLD_NONINV_DIA", "MDC_PRESS_BLD_NONINV_MEAN"] {
            let r = try #require(latest(run, ref))
            #expect(r.state == .absent && r.value == nil && r.reason?.contains("UNAVAILABLE") == true)
        }
        let co = try #require(run.numerics.last { $0.metric.vendorCode == "intellivue:0x0002:0x4b04" })
        #expect(co.state == .absent)
        #expect(co.reason == "IntelliVue state UNAVAILABLE|DEMO_DATA|value NaN")
    }

    @Test func flukeSimulatorGivesValidValuesAndTechnicalAlarms() throws {
        let run = try replayLog("mp70-serial-fluke-simulator.log")
        let hr = try #require(latest(run, "MDC_ECG_HEART_RATE"))
        #expect(hr.state == .valid && hr.reason == nil && hr.value != nil)
        let spo2 = try #require(latest(run, "MDC_PULS_OXIM_SAT_O2"))
        #expect(spo2.state == .invalid && spo2.value == nil)
        let technical = run.alarms.filter { $0.category == .technical && $0.phase == .start }
        #expect(technical.contains { $0.text == "CO₂    No Sensor" && $0.priority == .medium })
        #expect(technical.contains { $0.text == "ABP Zero+Check Cal" && $0.priority == .low })
    }

    @Test func wavesCarryScaleRangeAndSamplePeriod() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        let ecg = try #require(run.waves.first { $0.metric.referenceID == "MDC_ECG_ELEC_POTL_II" })
        #expect(ecg.samples.count == 128 && ecg.samplePeriodNanoseconds == 2_000_000)
        #expect(ecg.scale.text == "0.005" && ecg.offset.text == "-40.96" && ecg.unit == "mV")
        #expect(ecg.samples.allSatisfy { $0.map { (0...16383).contains($0) } ?? true })
        let pleth = try #require(run.waves.first { $0.metric.referenceID == "MDC_PULS_OXIM_PLETH" })
        #expect(pleth.samples.count == 32 && pleth.samplePeriodNanoseconds == 8_000_000)
        let co2 = try #require(run.waves.first { $0.metric.referenceID == "MDC_AWAY_CO2" })
        #expect(co2.samples.count == 16 && co2.samplePeriodNanoseconds == 16_000_000 && co2.unit == "mm[Hg]")
        // Consecutive ECG blocks are 256 ms apart in device time.
        let ecgs = run.waves.filter { $0.metric.referenceID == "MDC_ECG_ELEC_POTL_II" }.compactMap(\.deviceTime?.instant)
        let steps = zip(ecgs, ecgs.dropFirst()).map { $1.nanoseconds(since: $0) }
        #expect(steps.filter { $0 == 256_000_000 }.count > steps.count * 9 / 10)
    }

    @Test func staticGroupOnlyCaptureCarriesNoNumericValues() throws {
        let run = try replayLog("mp70-serial-every.log")
        #expect(run.numerics.isEmpty)
        #expect(run["waveforms"] > 0)
    }

    @Test func deviceTimeFollowsTheMonitorClock() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        let times = run.numerics.filter { $0.metric.referenceID == "MDC_ECG_HEART_RATE" }.compactMap(\.deviceTime?.instant)
        #expect(times.count == 78)
        // One value per second of monitor time; the monitor's clock (local, no zone) is not the logger's.
        let steps = zip(times, times.dropFirst()).map { $1.nanoseconds(since: $0) }
        #expect(steps.allSatisfy { $0 >= 0 && $0 <= 2_100_000_000 })
        #expect(times.first?.rfc3339.hasPrefix("2014-05-19T15:3") == true)
    }

    @Test func importerRejectsWhatIsNotALog() {
        #expect(!IntelliVueSerialLog.looksLikeLog(Array("hello world, this is not a log at all".utf8)))
        #expect(throws: IntelliVueSerialLog.ImportError.badTimestamp(offset: 0)) {
            try IntelliVueSerialLog.importLog(Array("2014-05-19 19:36:43.490 c0".utf8), source: "x")
        }
        let stamp = Array("2014/05/19T19:36:43,490".utf8)
        #expect(throws: IntelliVueSerialLog.ImportError.unterminatedFrame(offset: 23)) {
            try IntelliVueSerialLog.importLog(stamp + [0xc0, 0x11, 0x01], source: "x")
        }
        #expect(throws: IntelliVueSerialLog.ImportError.missingFrameStart(offset: 0)) {
            try IntelliVueSerialLog.importLog(stamp + [0x11], source: "x")
        }
        #expect(throws: IntelliVueSerialLog.ImportError.empty) { try IntelliVueSerialLog.importLog([], source: "x") }
        let one = try? IntelliVueSerialLog.importLog(stamp + [0xc0, 0x01, 0xc1], source: "x")
        #expect(one?.chunks.first?.time.rfc3339 == "2014-05-19T19:36:43.490Z")
        #expect(one?.chunks.first?.bytes == [0xc0, 0x01, 0xc1])
    }
}
