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
        #expect(run["frames.ok"] == capture.chunks.count)
        for bad in ["frames.checksum-error", "frames.length-error", "frames.truncated", "frames.aborted", "frames.length-error",
                    "frames.foreign-header", "frames.length-error", "bytes.discarded", "frames.malformed", "attributes.malformed",
                    "messages.unknown", "objects.skipped", "polls.other-results"] {
            #expect(run[bad] == 0, "\(name): \(bad)")
        }
        // Every frame is one of the messages the driver understands.
        #expect(run["association.accepted"] + run["events.mds-create"] + run["polls.results"] + run["polls.set-results"]
                + run["polls.error-results"] == run["frames.ok"])
        #expect(run.transmitted.isEmpty)
        #expect(run.identity == DeviceIdentityUpdate(model: "Philips M8000", serialNumber: "DE843A1664", softwareVersion: "J.10.26"))
        #expect(run.links.first?.kind == .connected)
        #expect(run.links.first?.detail?.contains("0x88000000") == true)
        #expect(run["demographics.suppressed"] > 0)
        #expect(run.counters.keys.allSatisfy { DriverCounter($0).isWellFormed }, "\(run.counters.keys.sorted())")
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
        check("MDC_TTHOR_RESP_RATE", "15", "/min")
        check("MDC_AWAY_CO2_ET", "30", "mm[Hg]")
        // Not measured in demo mode: no number, state absent, the device's reason kept.
        let nbp = try #require(latest(run, "MDC_PRESS_BLD_NONINV_SYS"))
        #expect(nbp.value == nil)
        #expect(nbp.state == .absent)
        #expect(nbp.reason == "IntelliVue state UNAVAILABLE|value NaN")
        // The two "Pulse" numerics sharing physio NOM_PULS_RATE stay apart by their private labels.
        let pulses = run.numerics.filter { $0.metric.referenceID == "MDC_BLD_PULS_RATE_INV" }
        #expect(Set(pulses.map(\.metric.vendorCode)) == ["intellivue:0x0002:0x480a/label=0x80035402", "intellivue:0x0002:0x480a/label=0x80035405"])
        // … and by instance and source: pulse from ABP and pulse from PAP (labels.tsv), in their pressure's channel.
        let fromABP = try #require(pulses.last { $0.metric.vendorCode.hasSuffix("0x80035402") })
        let fromPAP = try #require(pulses.last { $0.metric.vendorCode.hasSuffix("0x80035405") })
        #expect(fromABP.source == "ABP" && fromPAP.source == "PAP" && fromABP.instance != fromPAP.instance)
        #expect(fromABP.containment?.path == "1.4.10.4" && fromABP.containment?.vmdCode == 69710)
        // Units twice: UCUM and the MDC unit code (4·65536 + the monitor's code); no vendor unit when UCUM is known.
        let hr = try #require(latest(run, "MDC_ECG_HEART_RATE"))
        #expect(hr.unit == "/min" && hr.unitCode == 264864 && hr.vendorUnit == nil)
        #expect(hr.source == "ECG" && hr.displayLabel == "HR" && hr.containment?.path == "1.1.1.1")
        let abp = try #require(latest(run, "MDC_PRESS_BLD_ART_ABP_SYS"))
        #expect(abp.unitCode == 266016 && abp.site == "ABP" && abp.displayLabel == "ABP" && abp.containment?.path == "1.4.10.1")
        #expect(try #require(latest(run, "MDC_TEMP_BLD")).unitCode == 268192)
        // Unmapped labels are forwarded with their raw code.
        #expect(run.numerics.contains { !$0.metric.isMapped && $0.metric.vendorCode == "intellivue:0x0002:0x4b04" })
        #expect(run.links.contains { $0.kind == .error && $0.detail?.contains("DEMO mode") == true })
    }

    @Test func linkedRepliesAreReassembled() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        // Every numerics reply is a chain FIRST, NOT_FIRST_NOT_LAST ×2, LAST, then an empty RORS.
        #expect(run["polls.linked-chains-completed"] == 79)
        #expect(run["polls.linked-chains-broken"] == 0)
        #expect(run["polls.linked-parts"] == 316)
        // Values from every part of each chain come out: HR sits in the first part, Tblood in a later one.
        let hr = run.numerics.filter { $0.metric.referenceID == "MDC_ECG_HEART_RATE" }.count
        let tblood = run.numerics.filter { $0.metric.referenceID == "MDC_TEMP_BLD" }.count
        #expect(hr == 78)
        #expect(tblood == hr)
    }

    @Test func moduleRemovedCaptureGivesErrorsAndUnavailableStates() throws {
        let run = try replayLog("mp70-serial-everything2.log")
        #expect(run["polls.error-results"] == 1)
        #expect(run.links.contains { $0.kind == .error && $0.detail?.contains("PROCESSING_FAILURE") == true })
        // The logger lost whole frames here: broken chains are counted, their parts still decoded.
        #expect(run["polls.linked-chains-broken"] == 20)
        // 2 791 numeric values are on the wire (the notes' independent count); NBP repeats of a cuff
        // measurement already reported are held back, so they are counted, not re-sent.
        #expect(run.numerics.count + run["nbp.repeats-skipped"] + run["nbp.in-progress-held"] == 2791)
        #expect(run["nbp.repeats-skipped"] > 0)
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
        #expect(run["values.waveforms"] > 0)
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

    /// One key per value: within one poll result (one frame) no two numerics share (metric, instance)
    /// — the MDC code when mapped, else the vendor code.
    @Test(arguments: SharedData.logNames)
    func everyValueHasItsOwnKey(_ name: String) throws {
        let capture = try IntelliVueSerialLog.importLog(try SharedData.log(name), source: name)
        var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        driver.start(now: capture.chunks[0].time, into: &out)
        out.reset()
        var checked = 0
        for chunk in capture.chunks where chunk.direction == .rx {
            driver.receive(chunk.bytes, now: chunk.time, into: &out)
            var seen = Set<String>()
            for case .numeric(let r) in out.observations {
                let key = "\(r.metric.code.map(String.init) ?? r.metric.vendorCode)#\(r.instance)"
                #expect(seen.insert(key).inserted, "\(name) at \(chunk.time): \(key) twice in one poll result")
                if let path = r.containment?.path { #expect(seen.insert(path).inserted, "\(name): OBX-4 \(path) twice") }
                #expect(r.unitCode != nil || r.unit == nil, "\(key): a unit without its MDC code")
                checked += 1
            }
            out.reset()
        }
        #expect(checked > 0 || name == "mp70-serial-every.log")
    }

    /// NBP is reported once per cuff measurement with the measurement's own time, not on every poll:
    /// the demo monitor repeats its last cuff result, stamped TIME_STAMP_ABS 2014-04-30 18:00:30
    /// (BCD `20 14 04 30 18 00 30` after attribute 0x0990, in the log's bytes), with every poll.
    @Test func nbpOnScreenAtConnectIsReportedOnce() throws {
        let raw = try SharedData.log("mp70-serial-demo-mode.log")
        let stamp: [UInt8] = [0x09, 0x90, 0x00, 0x08, 0x20, 0x14, 0x04, 0x30, 0x18, 0x00, 0x30]
        let repeats = (0...(raw.count - stamp.count)).filter { raw[$0] == 0x09 && Array(raw[$0..<$0 + stamp.count]) == stamp }.count
        #expect(repeats > 70)
        let run = try replayLog("mp70-serial-demo-mode.log")
        for ref in ["MDC_PRESS_BLD_NONINV_SYS", "MDC_PRESS_BLD_NONINV_DIA", "MDC_PRESS_BLD_NONINV_MEAN"] {
            let nbp = run.numerics.filter { $0.metric.referenceID == ref }
            #expect(nbp.count == 1, "\(ref)")
            #expect(nbp.first?.episodic == true && nbp.first?.deviceTime?.rfc3339 == "2014-04-30T18:00:30+00:00")
        }
    }

    @Test func nbpIsEpisodic() throws {
        let run = try replayLog("mp70-serial-everything2.log")
        let nbp = run.numerics.filter { $0.metric.referenceID == "MDC_PRESS_BLD_NONINV_SYS" }
        #expect(!nbp.isEmpty && nbp.allSatisfy { $0.episodic })
        let hr = run.numerics.filter { $0.metric.referenceID == "MDC_ECG_HEART_RATE" }
        #expect(nbp.count < hr.count / 4)
        let episodes = nbp.map { "\($0.deviceTime?.rfc3339 ?? "-") \($0.state) \($0.value?.text ?? "-")" }
        #expect(Set(episodes).count == episodes.count, "the same cuff measurement was reported twice")
    }

    /// The monitor's wall clock is resolved in the configured zone: the same reading, the true instant.
    @Test func deviceTimeIsResolvedInTheDeviceZone() throws {
        let utc = try replayLog("mp70-serial-demo-mode.log")
        let berlin = try replayLog("mp70-serial-demo-mode.log", configuration: DriverConfiguration(
            transmitEnabled: false, deviceTimeZone: FixedOffsetTimeZone(offsetSeconds: 7200)))
        let a = try #require(latest(utc, "MDC_ECG_HEART_RATE")?.deviceTime)
        let b = try #require(latest(berlin, "MDC_ECG_HEART_RATE")?.deviceTime)
        #expect(a.instant.nanoseconds(since: b.instant) == 7_200_000_000_000)
        #expect(b.utcOffsetSeconds == 7200 && b.rfc3339.hasSuffix("+02:00"))
        #expect(String(a.rfc3339.prefix(19)) == String(b.rfc3339.prefix(19)))
    }

    /// Technical alarms of the Fluke session: ids stable per instance, priority, category, event codes.
    @Test func flukeAlarmsHaveALifeCycle() throws {
        let run = try replayLog("mp70-serial-fluke-simulator.log")
        #expect(!run.alarms.isEmpty)
        for id in Set(run.alarms.map(\.alarmId)) {
            let phases = run.alarms.filter { $0.alarmId == id }.map(\.phase)
            #expect(phases.first == .start && phases.dropFirst().allSatisfy { $0 != .start }, "\(id): \(phases)")
            #expect(phases.filter { $0 == .end }.count <= 1)
        }
        #expect(run.alarms.allSatisfy { $0.event == nil || $0.event?.code.map { $0 >> 16 == 3 } == true })
    }

    /// research/intellivue.md §6 decodes the demo monitor's technical list by hand: source 0x0300 (ST),
    /// code 384 SIG_UNANALYZEABLE, LOW_T, text "Cannot Analyze ST". The feed gives it the MDC event
    /// 3·65536 + 384, low priority, technical, and the demo flag (the monitor's MDS says demo mode).
    @Test func demoMonitorAlarmAsTheNotesDecodeIt() throws {
        let run = try replayLog("mp70-serial-demo-mode.log")
        let st = try #require(run.alarms.first { $0.text == "Cannot Analyze ST" })
        #expect(st.phase == .start && st.category == .technical && st.priority == .low)
        #expect(st.vendorCode == "intellivue:alert:0x0300:0x0180")
        #expect(st.event?.referenceID == "MDC_EVT_SIG_UNANALYZEABLE" && st.event?.code == 196992)
        #expect(st.flags.contains(.demo))
        // Listed in every reply, it starts once and stays open: no update or end while the monitor lists it.
        #expect(run.alarms.filter { $0.alarmId == st.alarmId }.map(\.phase) == [.start])
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
