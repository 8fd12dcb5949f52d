import BedsideModel

/// The IntelliVue MeasurementState bit set carried with every observed value, and how it maps to
/// the bridge's ``MeasurementState``. A value is valid only when the high octet is zero.
struct IntelliVueMeasurementState: Hashable, Sendable {
    var bits: UInt16

    static let invalid: UInt16 = 0x8000
    static let questionable: UInt16 = 0x4000
    static let unavailable: UInt16 = 0x2000
    static let calibrationOngoing: UInt16 = 0x1000
    static let testData: UInt16 = 0x0800
    static let demoData: UInt16 = 0x0400
    static let validated: UInt16 = 0x0080
    static let earlyIndication: UInt16 = 0x0040
    static let measurementOngoing: UInt16 = 0x0020
    static let inAlarm: UInt16 = 0x0002
    static let alarmInhibited: UInt16 = 0x0001

    private static let names: [(UInt16, String)] = [
        (invalid, "INVALID"), (questionable, "QUESTIONABLE"), (unavailable, "UNAVAILABLE"),
        (calibrationOngoing, "CALIBRATION_ONGOING"), (testData, "TEST_DATA"), (demoData, "DEMO_DATA"),
        (validated, "VALIDATED_DATA"), (earlyIndication, "EARLY_INDICATION"), (measurementOngoing, "MSMT_ONGOING"),
        (inAlarm, "MSMT_STATE_IN_ALARM"), (alarmInhibited, "MSMT_STATE_AL_INHIBITED"),
    ]

    /// The bridge state for this bit set and value. The most serious condition wins; demo and test
    /// data are never reported as patient measurements.
    func readingState(for value: IntelliVueFloat) -> MeasurementState {
        if bits & Self.unavailable != 0 { return .absent }
        if bits & Self.invalid != 0 { return .invalid }
        if bits & Self.demoData != 0 { return .demo }
        if bits & Self.testData != 0 { return .test }
        if bits & Self.calibrationOngoing != 0 { return .calibrating }
        switch value {
        case .value: break
        case .positiveInfinity: return .overRange
        case .negativeInfinity: return .underRange
        case .notANumber, .notAtThisResolution: return .invalid
        }
        if bits & Self.questionable != 0 { return .questionable }
        if bits & 0xff00 != 0 { return .invalid }  // a reserved high bit: not valid per the guide
        return .valid
    }

    /// The device's own words: the state bits set (e.g. `DEMO_DATA`) and a special FLOAT value.
    func reason(for value: IntelliVueFloat?) -> String? {
        var parts: [String] = []
        var rest = bits
        for (bit, name) in Self.names where bits & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append("0x" + hex(rest)) }
        if let special = value?.specialName { parts.append("value " + special) }
        return parts.isEmpty ? nil : "IntelliVue state " + parts.joined(separator: "|")
    }
}
