import BedsideModel
@testable import BedsideHL7

/// Model values for the worked examples of the PCD study (downstream.md §2.8 E1/E2, §4): the
/// expected lines in the tests are copied from those examples, not from our output.
enum PCDExamples {
    static let sender = HL7Sender(eui64: "02005EFFFE000001", facility: "INFUSION_CLINIC_A",
                                  receivingApplication: "DOC_RECEIVER", receivingFacility: "HOSPITAL_X")
    static let patient = UnboundPatient(temporaryID: "UNBOUND-7F3A2C", location: "CHAIR07")
    static let monitor = DeviceIdentity(id: "02005EFFFE0000A1", driver: "toy", vendor: "Toy", location: "CHAIR07")

    /// 2025-03-01 hh:mm:ss UTC.
    static func at(_ h: Int64, _ m: Int64, _ s: Int64) -> Timestamp {
        Timestamp(secondsSinceEpoch: 1_740_787_200 + h * 3600 + m * 60 + s)
    }

    static func reading(_ code: UInt32, _ refid: String, _ path: (UInt16, UInt16, UInt16), vmd: UInt32, chan: UInt32,
                        _ value: DecimalValue, _ unit: String, _ unitCode: UInt32, episodic: Bool = false,
                        deviceTime: DeviceTime? = nil, state: MeasurementState = .valid) -> NumericReading {
        NumericReading(metric: MetricIdentity(referenceID: refid, code: code, vendorCode: "toy:\(refid)"),
                       containment: Containment(vmd: path.0, channel: path.1, metric: path.2, vmdCode: vmd, channelCode: chan),
                       value: value, unit: unit, unitCode: unitCode, state: state, episodic: episodic,
                       deviceTime: deviceTime, hostTime: at(10, 15, 0))
    }

    /// E1's vitals: HR, SpO2, pulse, NIBP systolic (episodic, cuff time 10:12:05), temperature, RR.
    static var e1Numerics: [NumericReading] {
        [
            reading(147842, "MDC_ECG_HEART_RATE", (1, 1, 1), vmd: 69798, chan: 69799, 72, "/min", 264864),
            reading(150456, "MDC_PULS_OXIM_SAT_O2", (2, 1, 1), vmd: 69642, chan: 69643, 97, "%", 262688),
            reading(149530, "MDC_PULS_OXIM_PULS_RATE", (2, 1, 2), vmd: 69642, chan: 69643, 71, "/min", 264864),
            reading(150021, "MDC_PRESS_BLD_NONINV_SYS", (3, 1, 1), vmd: 70686, chan: 70687, 118, "mm[Hg]", 266016,
                    episodic: true, deviceTime: .utc(at(10, 12, 5))),
            reading(150344, "MDC_TEMP", (4, 1, 1), vmd: 69902, chan: 69903, DecimalValue(mantissa: 368, exponent: -1), "Cel", 268192),
            reading(151578, "MDC_TTHOR_RESP_RATE", (5, 1, 1), vmd: 69722, chan: 69723, 16, "/min", 264928),
        ]
    }

    /// §4's SpO2-low alarm (start at 10:20:01, reported 10:20:03).
    static func spo2Low(phase: AlarmEvent.Phase) -> AlarmEvent {
        AlarmEvent(alarmId: "a-1", phase: phase, category: .physiological, priority: .medium, text: "SpO2 low",
                   event: MetricIdentity(referenceID: "MDC_EVT_LO", code: 196670, vendorCode: "toy:lo"),
                   metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_SAT_O2", code: 150456, vendorCode: "toy:spo2"),
                   value: Quantity(87, unit: "%", unitCode: 262688), lowerLimit: 90, upperLimit: 100,
                   deviceTime: .utc(at(10, 20, 1)), hostTime: at(10, 20, 3))
    }

    static func pumpChannel(status: PumpChannelState.Status = .infusing) -> PumpChannelState {
        PumpChannelState(channel: "A", channelIndex: 1, mode: .primary, status: status, drug: "Ketamine 2 mg/mL",
                         programmedRate: Quantity(DecimalValue(mantissa: 1250, exponent: -1), unit: "mL/h", unitCode: 265266),
                         volumeToBeInfused: Quantity(DecimalValue(mantissa: 2500, exponent: -1), unit: "mL", unitCode: 263762),
                         volumeInfused: Quantity(DecimalValue(mantissa: 875, exponent: -1), unit: "mL", unitCode: 263762),
                         volumeRemaining: Quantity(DecimalValue(mantissa: 1625, exponent: -1), unit: "mL", unitCode: 263762),
                         timeRemaining: Quantity(78, unit: "min", unitCode: 264352),
                         deviceTime: .utc(at(10, 15, 0)), hostTime: at(10, 15, 0))
    }
}
