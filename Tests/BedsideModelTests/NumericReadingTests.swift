import BedsideModel
import Testing

@Suite("Numeric readings")
struct NumericReadingTests {
    let heartRate = NumericDescriptor(metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842,
                                                             vendorCode: "ge:basic.ecg.hr"),
                                      unit: "/min", unitCode: 264864)
    let pulse = NumericDescriptor(metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_PULS_RATE", code: 149530,
                                                         vendorCode: "ge:basic.spo2.pr"),
                                  instance: 2, unit: "/min", source: "pleth", episodic: true, subdevice: "rack-1")

    func reading(_ d: NumericDescriptor, _ mantissa: Int64?, state: MeasurementState = .valid, reason: String? = nil,
                 at seconds: Int64) -> NumericReading {
        NumericReading(descriptor: d, value: mantissa.map { DecimalValue(mantissa: $0) }, state: state, reason: reason,
                       deviceTime: DeviceTime(instant: Timestamp(secondsSinceEpoch: seconds), utcOffsetSeconds: 3600),
                       hostTime: Timestamp(secondsSinceEpoch: seconds + 1),
                       ageNanoseconds: state == .stale ? 5 : nil)
    }

    @Test("replace(with:) makes a reading equal to the other, whether or not they share a descriptor")
    func replaceCopiesEveryField() {
        var kept = reading(heartRate, 72, at: 100)
        let sameKind = reading(heartRate, nil, state: .stale, reason: "no update for 3 s", at: 200)
        kept.replace(with: sameKind)
        #expect(kept == sameKind)
        #expect(kept.descriptor === heartRate)

        let otherKind = reading(pulse, 61, at: 300)
        kept.replace(with: otherKind)
        #expect(kept == otherKind)
        #expect(kept.descriptor === pulse)
        #expect(kept.reason == nil)
    }

    @Test("the descriptor's fields read the same through the reading and the descriptor")
    func hotFieldsAgreeWithTheDescriptor() {
        let r = reading(pulse, 61, at: 0)
        #expect(r.instance == 2 && pulse.instance == 2)
        #expect(r.episodic && pulse.episodic)
        #expect(r.subdevice == "rack-1")
        #expect(pulse.mappedCode == 149530 && pulse.isMapped)
        let unmapped = NumericDescriptor(metric: .unmapped("ge:ext.x"), unit: nil)
        #expect(unmapped.mappedCode == nil && !unmapped.isMapped && !unmapped.episodic && unmapped.subdevice == nil)
        // Changing a field through the reading gives it a new descriptor with the hot fields renewed.
        var edited = r
        edited.instance = 3
        edited.episodic = false
        #expect(edited.instance == 3 && !edited.episodic && edited.descriptor !== pulse && pulse.instance == 2)
    }

    @Test("an observation is no larger than a numeric reading (segments inline, rarer kinds boxed)")
    func observationStaysNumericSized() {
        #expect(MemoryLayout<WaveformSegment>.size <= MemoryLayout<NumericReading>.size)
        #expect(MemoryLayout<Observation>.size <= MemoryLayout<NumericReading>.size + 1,
                "Observation \(MemoryLayout<Observation>.size) bytes, NumericReading \(MemoryLayout<NumericReading>.size)")
    }
}
