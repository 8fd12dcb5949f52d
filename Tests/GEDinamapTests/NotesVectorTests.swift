import BedsideDriver
import BedsideModel
import Testing
@testable import GEDinamap

/// The checksum and the replies of vital-signs-monitors.md §2.4, §2.5 and §2.11, with the meanings
/// the notes give them (§2.6–2.8). Bytes are the notes' hex, not our encoder's output.
@Suite struct NotesVectorTests {
    @Test func requestBytesAreTheNotesBytes() {
        // §2.5 table, "Bytes" column.
        #expect(DinamapWire.request("NA") == hex("20 4e 41 21 32 0d"))
        #expect(DinamapWire.request("OA") == hex("20 4f 41 21 33 0d"))
        #expect(DinamapWire.request("RA") == hex("20 52 41 21 36 0d"))
        #expect(DinamapWire.request("TC") == hex("20 54 43 21 3a 0d"))
        #expect(DinamapWire.request("NF") == hex("20 4e 46 21 37 0d"))
    }

    @Test func checksumReproducesEveryHardCodedCommandOfThePublicDrivers() {
        // §2.4: " NC0!E", " ND!5", " NA!2", " RC!8", " OA!3", " RA!6", " TC!:", " NF!7".
        let vectors: [(String, String)] = [(" NC0", "!E"), (" ND", "!5"), (" NA", "!2"), (" RC", "!8"), (" OA", "!3"),
                                           (" RA", "!6"), (" TC", "!:"), (" NF", "!7")]
        for (body, sum) in vectors {
            let (k1, k2) = DinamapWire.checksum(Array(body.utf8))
            #expect(String(decoding: [k1, k2], as: UTF8.self) == sum, "\(body)")
        }
    }

    @Test func theRealV100ReplyDecodes() {
        let out = listen([NotesReplies.realNF])
        #expect(out.counters[.framesAccepted] == 1)
        // done OK, adult, normal, 1 762 s since the determination, 127/73 (78).
        #expect(out.readings("ge-dinamap:NA.sys").first?.value == DecimalValue(mantissa: 127))
        #expect(out.readings("ge-dinamap:NA.dia").first?.value == DecimalValue(mantissa: 73))
        #expect(out.readings("ge-dinamap:NA.mean").first?.value == DecimalValue(mantissa: 78))
        let sys = out.readings("ge-dinamap:NA.sys").first
        #expect(sys?.metric.referenceID == "MDC_PRESS_BLD_NONINV_SYS" && sys?.unit == "mm[Hg]" && sys?.state == .valid)
        #expect(sys?.episodic == true && sys?.mode == "normal")
        #expect(sys?.deviceTime?.instant == t0.adding(nanoseconds: -1762 * 1_000_000_000))
    }

    @Test func theTwoEditedRealRepliesFailTheirChecksum() {
        // §2.11: one character of each was evidently changed when pasted; the checksum catches it.
        let edited = [Array(" NF1102207118080091&+".utf8) + [0x0D], Array(" RC3072\"F".utf8) + [0x0D]]
        let out = listen(edited)
        #expect(out.counters[.checksumErrors] == 2)
        #expect(out.numerics.isEmpty)
    }

    @Test func nibpDoneBusyAndFailed() {
        let ok = listen([NotesReplies.naOK])
        let sys = ok.readings("ge-dinamap:NA.sys")
        #expect(sys.count == 1 && sys.first?.value == DecimalValue(mantissa: 124))
        #expect(sys.first?.deviceTime?.instant == t0.adding(nanoseconds: -312 * 1_000_000_000))
        #expect(ok.alarms.isEmpty)

        // Busy: the cuff inflates; the last values are still the last determination, reported once,
        // and the state is said (advisory, not an alarm).
        let busy = listen([NotesReplies.naBusy])
        #expect(busy.readings("ge-dinamap:NA.mean").first?.value == DecimalValue(mantissa: 93))
        #expect(busy.alarms.count == 1 && busy.alarms.first?.category == .advisory && busy.alarms.first?.priority == AlarmEvent.Priority.none)

        let failed = listen([NotesReplies.naFailed])
        let f = failed.readings("ge-dinamap:NA.sys")
        #expect(f.count == 1 && f.first?.value == nil && f.first?.state == .absent)
        #expect(f.first?.reason?.contains("NIBP determination failed (NA status 3)") == true)
        #expect(failed.alarms.first?.category == .technical)
        #expect(failed.alarms.first?.text.contains("not a monitor alarm") == true)
    }

    /// An NA reply `seconds` after a determination (layout §2.6, checksum §2.4, verified above).
    static func na(_ status: String, secondsSince: Int, _ values: String) -> [UInt8] {
        let digits = String(secondsSince)
        var body = Array((" NA" + status + "10" + String(repeating: "0", count: 4 - digits.count) + digits + values).utf8)
        let (k1, k2) = DinamapWire.checksum(body)
        body += [k1, k2, 0x0D]
        return body
    }

    @Test func eachDeterminationIsReportedOnceThoughEveryPollRepeatsIt() {
        var driver = GEDinamapDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var o = DriverOutput()
        driver.start(now: t0, into: &o)
        var sys: [NumericReading] = []
        func poll(_ at: Int, _ reply: [UInt8]) {
            o.reset()
            driver.receive(reply, now: t0.adding(nanoseconds: Int64(at) * 1_000_000_000), into: &o)
            sys += o.numerics.filter { $0.metric.vendorCode == "ge-dinamap:NA.sys" }
        }
        // A determination 312 s old, polled every 5 s for a minute: once.
        for i in 0..<12 { poll(i * 5, Self.na("1", secondsSince: 312 + i * 5, "124078093")) }
        #expect(sys.count == 1)
        // The cuff inflates (status 0, the old values shown), then a new result: once more.
        poll(60, Self.na("0", secondsSince: 372, "124078093"))
        for i in 0..<4 { poll(95 + i * 5, Self.na("1", secondsSince: i * 5, "131082098")) }
        #expect(sys.count == 2)
        // Another determination with the very same numbers (its age went down): reported too.
        for i in 0..<4 { poll(400 + i * 5, Self.na("1", secondsSince: 2 + i * 5, "131082098")) }
        #expect(sys.count == 3)
        #expect(sys.map { $0.deviceTime!.instant } == [t0.adding(nanoseconds: -312_000_000_000),
                                                       t0.adding(nanoseconds: 95_000_000_000),
                                                       t0.adding(nanoseconds: 398_000_000_000)])
    }

    @Test func oximetryRateAndTemperature() {
        let out = listen([NotesReplies.oaOK, NotesReplies.raOximeter, NotesReplies.raNIBP, NotesReplies.tcOK])
        let spo2 = out.readings("ge-dinamap:OA.spo2").first
        #expect(spo2?.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && spo2?.value == DecimalValue(mantissa: 97) && spo2?.unit == "%")
        #expect(out.readings("ge-dinamap:OA.signal").first?.value == DecimalValue(mantissa: 9))
        // The averaging interval is an oximeter setting (unit not stated), not forwarded.
        #expect(out.readings("ge-dinamap:OA.averaging").isEmpty)
        let oxPulse = out.readings("ge-dinamap:RA.2").first
        #expect(oxPulse?.metric.referenceID == "MDC_PULS_OXIM_PULS_RATE" && oxPulse?.value == DecimalValue(mantissa: 72))
        let cuffPulse = out.readings("ge-dinamap:RA.3").first
        #expect(cuffPulse?.metric.referenceID == "MDC_PULS_RATE_NON_INV" && cuffPulse?.value == DecimalValue(mantissa: 68))
        let temp = out.readings("ge-dinamap:TC.temp").first
        // 98.6 °F exactly as sent: no conversion, no rounding.
        #expect(temp?.value?.text == "98.6" && temp?.unit == "[degF]" && temp?.unitCode == 266560)
        #expect(temp?.episodic == true)
        #expect(temp?.deviceTime?.instant == t0.adding(nanoseconds: 3_000_000_000 - 120 * 1_000_000_000))
    }

    @Test func noDataRepliesGiveNoValue() {
        let out = listen([NotesReplies.oaNoData, NotesReplies.tcNone])
        let spo2 = out.readings("ge-dinamap:OA.spo2")
        #expect(spo2.count == 1 && spo2.first?.state == .absent && spo2.first?.value == nil)
        #expect(spo2.first?.reason?.contains("OA status 3") == true)
        #expect(out.readings("ge-dinamap:TC.temp").isEmpty)
        #expect(out.alarms.map(\.category) == [.technical])
    }
}
