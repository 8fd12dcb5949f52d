import BedsideModel
import Testing
@testable import IntelliVue

@Suite struct EncodingTests {
    func float(_ hex: String) -> IntelliVueFloat {
        let b = bytes(hex)
        return IntelliVueFloat(bits: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
    }

    @Test func floatTypeIsExact() {
        #expect(float("fd 00 7d 00").decimal?.text == "32.000")
        #expect(float("ff 00 01 40").decimal?.text == "32.0")
        #expect(float("01 00 01 40").decimal?.text == "3200")
        #expect(float("02 00 00 20").decimal?.text == "3200")
        #expect(float("fe fe 79 60").decimal?.text == "-1000.00")
        #expect(float("00 00 00 3c").decimal?.text == "60")
        #expect(float("ff 00 03 b6").decimal?.text == "95.0")
        #expect(float("fe 00 0e 76").decimal == DecimalValue(mantissa: 3702, exponent: -2))
    }

    @Test func floatSpecialsAreNotNumbers() {
        #expect(float("00 7f ff ff") == .notANumber)
        #expect(float("fe 7f ff ff") == .notANumber)  // exponent is irrelevant
        #expect(float("00 80 00 00") == .notAtThisResolution)
        #expect(float("00 7f ff fe") == .positiveInfinity)
        #expect(float("00 80 00 02") == .negativeInfinity)
        #expect(float("00 80 00 02").decimal == nil)
    }

    @Test func measurementStatesMapToReadingStates() {
        func state(_ bits: UInt16, _ v: IntelliVueFloat = .value(1)) -> MeasurementState {
            IntelliVueMeasurementState(bits: bits).readingState(for: v)
        }
        #expect(state(0) == .valid)
        #expect(state(0x0080) == .valid)           // validated data
        #expect(state(0x0002) == .valid)           // in alarm: still a measurement
        #expect(state(0x0400) == .demo)
        #expect(state(0x0800) == .test)
        #expect(state(0x2000, .notANumber) == .absent)
        #expect(state(0x2400, .notANumber) == .absent)
        #expect(state(0x8400, .notANumber) == .invalid)
        #expect(state(0x1000) == .calibrating)
        #expect(state(0x4000) == .questionable)
        #expect(state(0, .notANumber) == .invalid)
        #expect(state(0, .notAtThisResolution) == .invalid)
        #expect(state(0, .positiveInfinity) == .overRange)
        #expect(state(0, .negativeInfinity) == .underRange)
        #expect(IntelliVueMeasurementState(bits: 0x2400).reason(for: .notANumber) == "IntelliVue state UNAVAILABLE|DEMO_DATA|value NaN")
    }

    @Test func absoluteTimeIsBCDAndRelativeTimeWraps() {
        let abs = bytes("20 14 04 04 16 45 07 00").withUnsafeBytes { IntelliVueTime.absolute($0) }
        #expect(abs?.rfc3339 == "2014-04-04T16:45:07Z")
        #expect(bytes("ff ff ff ff ff ff ff ff").withUnsafeBytes { IntelliVueTime.absolute($0) } == nil)
        #expect(IntelliVueTime.absoluteBytes(abs!) == bytes("20 14 04 04 16 45 07 00"))
        let anchor = DeviceClockAnchor(absolute: abs!, relative: 0xffff_ff00)
        // 0x100 ticks later, across the 2^32 wrap: 256 × 125 µs = 32 ms.
        #expect(anchor.time(ofRelative: 0x0000_0000).rfc3339 == "2014-04-04T16:45:07.032Z")
        #expect(anchor.time(ofRelative: 0xffff_fe00).rfc3339 == "2014-04-04T16:45:06.968Z")
        // The monitor's wall clock, resolved in a zone two hours east of UTC: 14:45:07Z, written +02:00.
        let wall = anchor.time(ofRelative: 0xffff_ff00)
        let local = FixedOffsetTimeZone(offsetSeconds: 7200).resolve(localSeconds: wall.secondsSinceEpoch)
        #expect(local.instant.rfc3339 == "2014-04-04T14:45:07Z" && local.rfc3339 == "2014-04-04T16:45:07+02:00")
    }

    @Test func waveScaleIsExactWhenTheQuotientTerminates() {
        var ecg = WaveContext()
        ecg.setScale(lowerAbsolute: .value(DecimalValue(mantissa: -4096, exponent: -2)),
                     upperAbsolute: .value(DecimalValue(mantissa: 40955, exponent: -3)), lowerScaled: 0, upperScaled: 16383)
        #expect(ecg.scale?.text == "0.005")
        #expect(ecg.offset.text == "-40.96")
        #expect(ecg.scaleNote == nil)
        var pap = WaveContext()
        pap.setScale(lowerAbsolute: .value(-40), upperAbsolute: .value(520), lowerScaled: 160, upperScaled: 9120)
        #expect(pap.scale?.text == "0.0625")
        #expect(pap.offset.text == "-50")
        var co2 = WaveContext()
        co2.setScale(lowerAbsolute: .value(-5), upperAbsolute: .value(60), lowerScaled: 100, upperScaled: 4000)
        #expect(co2.scale?.text == "0.0166666666667")
        #expect(co2.scaleNote != nil)
        var pleth = WaveContext()
        pleth.setScale(lowerAbsolute: .notANumber, upperAbsolute: .notANumber, lowerScaled: 0, upperScaled: 4095)
        #expect(pleth.scale == 1)
        #expect(pleth.scaleNote?.contains("relative") == true)
    }
}
