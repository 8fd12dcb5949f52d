import BedsideHL7
import BedsideModel
import BedsideTestSupport
import Testing

/// A pump driver reports a channel both as a channel state and as plain readings placed in the
/// pump VMD (the B. Braun tables do): PCD-01 must still be one tree, each OBX-4 once, in order.
@Suite("PCD-01 of a pump that sends readings and channel states")
struct PumpTreeTests {
    let encoder = PCDEncoder(sender: PCDExamples.sender)

    func reading(_ code: UInt32, _ refid: String, channel: UInt16, metric: UInt16, _ value: Int64, _ unit: String) -> NumericReading {
        NumericReading(metric: MetricIdentity(referenceID: refid, code: code, vendorCode: "toy:\(refid)"),
                       containment: Containment(vmd: 1, channel: channel, metric: metric, vmdCode: 69986),
                       value: DecimalValue(mantissa: value), unit: unit, state: .valid,
                       deviceTime: .utc(PCDExamples.at(10, 15, 0)), hostTime: PCDExamples.at(10, 15, 0))
    }

    @Test("a reading repeating a channel-state parameter is sent once; others follow the fixed set; no path twice")
    func merged() throws {
        var pump = PCDExamples.monitor
        pump.id = "02005EFFFE0000B7"
        let numerics = [
            reading(157784, "MDC_FLOW_FLUID_PUMP", channel: 1, metric: 1, 125, "mL/h"),   // repeats the state's rate
            reading(68063, "MDC_ATTR_PT_WEIGHT", channel: 1, metric: 19, 70, "kg"),       // only a reading
            reading(157760, "MDC_CONC_DRUG", channel: 1, metric: 6, 2, "mg/mL"),          // the state has no concentration
            reading(157784, "MDC_FLOW_FLUID_PUMP", channel: 2, metric: 1, 50, "mL/h"),    // a channel with no state
        ]
        let report = encoder.observationReport(controlID: "BB7", created: PCDExamples.at(10, 15, 0), device: pump,
                                               patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0),
                                               numerics: numerics, pumpChannels: [PCDExamples.pumpChannel()])
        let paths = report.split(separator: "\r").filter { $0.hasPrefix("OBX|") }
            .map { String($0.split(separator: "|", omittingEmptySubsequences: false)[4]) }
        #expect(Set(paths).count == paths.count, "\(paths)")
        #expect(paths.filter { $0 == "1.1.0.0" }.count == 1)
        // The rate of channel 1 comes once, from the state (with its setting category).
        let rates = report.split(separator: "\r").filter { $0.contains("|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.") }
        #expect(rates.count == 1 && rates[0].hasSuffix("|||MSET^manual-setting^MDC"))
        // Readings the state does not carry: concentration moved past the fixed ordinals, weight kept.
        #expect(paths.contains("1.1.1.106") && paths.contains("1.1.1.19"))
        // The channel without a state still gets its group and its reading.
        #expect(paths.contains("1.1.2.0") && paths.contains("1.1.2.1"))
        try expectValid([report])
    }
}
