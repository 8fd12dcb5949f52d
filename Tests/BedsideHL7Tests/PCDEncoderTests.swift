import BedsideModel
import BedsideTestSupport
import Testing
@testable import BedsideHL7

/// Validates with hl7apy (strict) and our PCD rules; records every problem.
func expectValid(_ messages: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    for m in messages {
        let problems = PCDRules.check(m)
        #expect(problems.isEmpty, "PCD rules: \(problems)\n\(m.replacingOccurrences(of: "\r", with: "\n"))", sourceLocation: sourceLocation)
    }
    guard HL7StrictValidator.available else {
        Issue.record("hl7apy is not installed: run scripts/install-deps", sourceLocation: sourceLocation)
        return
    }
    for (m, result) in zip(messages, try HL7StrictValidator.validate(messages)) {
        #expect(result == nil, "hl7apy: \(result ?? "")\n\(m.replacingOccurrences(of: "\r", with: "\n"))", sourceLocation: sourceLocation)
    }
}

func lines(_ message: String) -> [String] { message.split(separator: "\r").map(String.init) }

@Suite("PCD messages")
struct PCDEncoderTests {
    let encoder = PCDEncoder(sender: PCDExamples.sender)

    @Test("PCD-01 of a monitor: MSH, PID, OBR and metric rows as in the study's example E1 and E2")
    func observationReport() throws {
        let message = encoder.observationReport(
            controlID: "BB0000000017", created: PCDExamples.at(10, 15, 0), device: PCDExamples.monitor,
            patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0), numerics: PCDExamples.e1Numerics)
        let l = lines(message)
        #expect(l[0] == #"MSH|^~\&|BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64|INFUSION_CLINIC_A|DOC_RECEIVER|HOSPITAL_X|20250301101500+0000||ORU^R01^ORU_R01|BB0000000017|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"#)
        #expect(l[1] == "PID|||UNBOUND-7F3A2C^^^BEDSIDE_BRIDGE^ANON||^^^^^^U||||||||||||||||||||||||||Y")
        #expect(l[2] == "PV1||O|INFUSION^CHAIR07^^INFUSION_CLINIC_A")
        #expect(l[3] == "OBR|1|BB0000000017^BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64|BB0000000017^BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64|182777000^monitoring of patient^SCT|||20250301101500+0000")
        #expect(l[4] == "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||02005EFFFE0000A1^^02005EFFFE0000A1^EUI-64")
        // From E1, without the alarm limits (OBX-7) the model does not carry on numerics.
        #expect(l[5] == "OBX|2||69798^MDC_DEV_ECG_VMD^MDC|1.1.0.0|||||||X")
        #expect(l[6] == "OBX|3||69799^MDC_DEV_ECG_CHAN^MDC|1.1.1.0|||||||X")
        #expect(l[7] == "OBX|4|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|72|264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM|||||R")
        #expect(l.contains("OBX|9||70686^MDC_DEV_PRESS_BLD_NONINV_VMD^MDC|1.3.0.0|||||||X"))
        #expect(l.contains("OBX|11|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.3.1.1|118|266016^MDC_DIM_MMHG^MDC^mm[Hg]^mm[Hg]^UCUM|||||R|||20250301101205+0000|||AMEAS^auto-measurement^MDC"))
        #expect(l.contains("OBX|14|NM|150344^MDC_TEMP^MDC|1.4.1.1|36.8|268192^MDC_DIM_DEGC^MDC^Cel^Cel^UCUM|||||R"))
        #expect(message.hasSuffix("\r"))
        try expectValid([message])
    }

    @Test("reading states become OBX-8/OBX-11 (TF-2 B.8.5-6); values are never rounded; uncoded readings stay out")
    func states() throws {
        var r = PCDExamples.e1Numerics
        r[0].state = .invalid
        r[1].state = .demo
        r[2].value = nil
        r[2].state = .absent
        r[4].value = DecimalValue(mantissa: 36_80, exponent: -2)  // 36.80 keeps its digits
        r[5].metric = .unmapped("toy:unknown")
        let message = encoder.observationReport(controlID: "BB1", created: PCDExamples.at(10, 15, 0), device: PCDExamples.monitor,
                                                patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0), numerics: r)
        let l = lines(message)
        #expect(l.contains("OBX|4||147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1||264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM||INV|||X"))
        #expect(l.contains("OBX|7|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|97|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM||DEMO|||R"))
        #expect(l.contains("OBX|8||149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.2.1.2||264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM||NAV|||X"))
        #expect(message.contains("|1.4.1.1|36.80|"))
        #expect(!message.contains("toy:unknown") && !message.contains("1.5.1.1"))
        try expectValid([message])
    }

    @Test("a device time keeps its true offset in OBX-14; DTM has seconds and a zone")
    func times() {
        let t = Timestamp(secondsSinceEpoch: 1_740_787_200 + 10 * 3600, nanoseconds: 250_000_000)
        #expect(HL7Time.dtm(t) == "20250301100000.250+0000")
        #expect(HL7Time.dtm(DeviceTime(instant: t, utcOffsetSeconds: 3600)) == "20250301110000.250+0100")
        #expect(HL7Time.dtm(DeviceTime(instant: Timestamp(secondsSinceEpoch: 0), utcOffsetSeconds: -16_200)) == "19691231193000-0430")
    }

    @Test("text that contains HL7 delimiters or control characters cannot break the structure")
    func escaping() throws {
        #expect(ER7Writer.escaped(#"a|b^c&d~e\f"#) == #"a\F\b\S\c\T\d\R\e\E\f"#)
        #expect(ER7Writer.escaped("x\ry\u{0B}z\u{1C}") == #"x\X0D\y\X0B\z\X1C\"#)
        var alarm = PCDExamples.spo2Low(phase: .start)
        alarm.category = .technical
        alarm.event = nil
        alarm.text = "Lead|off^V&1~\\\r"
        let message = encoder.alertReport(controlID: "BB2", alertID: "A2", firstAlertID: nil, created: PCDExamples.at(10, 20, 3),
                                          device: PCDExamples.monitor, patient: PCDExamples.patient, alarm: alarm,
                                          sourceContainment: nil)
        #expect(message.contains(#"|^Lead\F\off\S\V\T\1\R\\E\\X0D\|"#))
        #expect(!message.utf8.contains(0x0B) && !message.utf8.contains(0x1C))
        try expectValid([message])
    }

    @Test("PCD-04: the study's SpO2-low alert, start then end pointing at the first message (OBR-29)")
    func alertLifeCycle() throws {
        let containment = Containment(vmd: 2, channel: 1, metric: 1)
        let start = encoder.alertReport(controlID: "BB0000000031", alertID: "A000000009", firstAlertID: nil,
                                        created: PCDExamples.at(10, 20, 3), device: PCDExamples.monitor,
                                        patient: PCDExamples.patient, alarm: PCDExamples.spo2Low(phase: .start),
                                        sourceContainment: containment)
        let l = lines(start)
        #expect(l[0].contains("|ORU^R40^ORU_R40|BB0000000031|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO"))
        #expect(l[3] == "OBR|1|BB0000000031^BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64|A000000009^BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64|196616^MDC_EVT_ALARM^MDC|||20250301102003+0000")
        #expect(l[4] == "OBX|1|ST|196670^MDC_EVT_LO^MDC|1.2.1.1.1|SpO2 low|||L|||F|||20250301102001+0000||||02005EFFFE0000A1^^02005EFFFE0000A1^EUI-64")
        #expect(l[5] == "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1.2|87|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|90-100||||F|||20250301102001+0000")
        #expect(Array(l[6...10]) == [
            "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.2.1.1.3|start||||||F",
            "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.2.1.1.4|active||||||F",
            "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.2.1.1.5|enabled||||||F",
            "OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|1.2.1.1.6|PM||||||F",
            "OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|1.2.1.1.7|SP||||||F",
        ])
        let end = encoder.alertReport(controlID: "BB0000000032", alertID: "A000000010", firstAlertID: "A000000009",
                                      created: PCDExamples.at(10, 21, 0), device: PCDExamples.monitor,
                                      patient: PCDExamples.patient, alarm: PCDExamples.spo2Low(phase: .end),
                                      sourceContainment: containment)
        let obr = lines(end)[3].split(separator: "|", omittingEmptySubsequences: false)
        #expect(obr[3] == "A000000010^BEDSIDE_BRIDGE^02005EFFFE000001^EUI-64")
        #expect(obr[29] == "^A000000009&BEDSIDE_BRIDGE&02005EFFFE000001&EUI-64")
        #expect(end.contains("|68481^MDC_ATTR_EVENT_PHASE^MDC|1.2.1.1.3|end|"))
        #expect(end.contains("|68482^MDC_ATTR_ALARM_STATE^MDC|1.2.1.1.4|inactive|"))
        try expectValid([start, end])
    }

    @Test("PCD-01 of a pump channel and PCD-10 of its start, with the IPEC parameter set")
    func pump() throws {
        var pump = PCDExamples.monitor
        pump.id = "02005EFFFE0000B7"
        let report = encoder.observationReport(controlID: "BB0000000018", created: PCDExamples.at(10, 15, 0), device: pump,
                                               patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0),
                                               numerics: [], pumpChannels: [PCDExamples.pumpChannel()])
        let l = lines(report)
        #expect(l[3].contains("|^Ketamine 2 mg/mL|||20250301101500+0000"))
        #expect(l[4] == "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1.0.0.0|||||||X|||||||02005EFFFE0000B7^^02005EFFFE0000B7^EUI-64")
        // Rows and units as in the study's example E2 (rate, VTBI, infused, remaining, time).
        #expect(l.contains { $0.hasSuffix("|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.3|125.0|265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM|||||R|||20250301101500+0000|||MSET^manual-setting^MDC") })
        #expect(l.contains { $0.hasSuffix("|157884^MDC_VOL_FLUID_TBI^MDC|1.1.1.4|250.0|263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM|||||R|||20250301101500+0000|||MSET^manual-setting^MDC") })
        #expect(l.contains { $0.hasSuffix("|157916^MDC_TIME_PD_REMAIN^MDC|1.1.1.7|78|264352^MDC_DIM_MIN^MDC^min^min^UCUM|||||R|||20250301101500+0000|||ACALC^auto-calculation^MDC") })
        let event = InfusionEvent(kind: .started, event: MetricIdentity(referenceID: "MDC_EVT_PUMP_DELIV_START", code: 197288, vendorCode: "toy:start"),
                                  channel: PCDExamples.pumpChannel(), detail: "started by nurse",
                                  deviceTime: .utc(PCDExamples.at(10, 14, 59)), hostTime: PCDExamples.at(10, 15, 0))
        let pcd10 = encoder.infusionEventReport(controlID: "BB0000000019", created: PCDExamples.at(10, 15, 0), device: pump,
                                                patient: PCDExamples.patient, event: event)
        let e = lines(pcd10)
        #expect(e[0].contains("|ORU^R42^ORU_R01|BB0000000019|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_IPEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.10^ISO"))
        #expect(e.contains("OBX|2|CWE|^MDC_ATTR_EVT_COND^MDC|1.0.0.1|197288^MDC_EVT_PUMP_DELIV_START^MDC||||||R|||20250301101459+0000"))
        #expect(e.contains("OBX|3|ST|^MDC_ATTR_EVT_SOURCE^MDC|1.0.0.2|1.1.1.0||||||R"))
        #expect(e.contains("NTE|1||started by nurse"))
        try expectValid([report, pcd10])
    }

    @Test("simulated devices go out as debugging data (MSH-11 D), never as production")
    func simulated() throws {
        var device = PCDExamples.monitor
        device.simulated = true
        let message = encoder.observationReport(controlID: "BB3", created: PCDExamples.at(10, 15, 0), device: device,
                                                patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0),
                                                numerics: PCDExamples.e1Numerics)
        #expect(lines(message)[0].contains("|BB3|D|2.6|"))
        try expectValid([message])
    }
}
