import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

/// r_time, subrecord times and the aux subrecord's NIBP time are the monitor's local wall clock.
@Suite("GE: device time in the monitor's zone")
struct DeviceTimeTests {
    /// A PHDB record with the basic class and, when given, an aux subrecord carrying `nibpTime`.
    static func record(time: UInt32, nibpLabel: UInt16, sys: Int16, nibpTime: UInt32?) -> [UInt8] {
        let sim = GEDatexSimulator(configuration: .init())
        var body = sim.classBody(.basic, scenarioTime: 0)
        body.header("nibp", status: 0x3, label: nibpLabel)
        body.set("nibp", "sys", sys)
        var bytes = body.subrecord(time: time, driLevel: 10)
        var descriptors = [GEDatexSubrecordDescriptor(offset: 0, type: 1)]
        if let nibpTime {
            descriptors.append(GEDatexSubrecordDescriptor(offset: bytes.count, type: GEDatexWire.phdbAuxType))
            var aux = [UInt8](repeating: 0, count: GEDatexWire.phdbAuxLength)
            aux.storeLE(nibpTime, at: 0)
            bytes += aux
        }
        let header = GEDatexRecordHeader(length: 40 + bytes.count, number: 0, driLevel: 10, time: time,
                                         mainTypeCode: GEDatexMainType.physiological.rawValue, subrecords: descriptors)
        return GEDatexFrameEncoder.frame(record: header.bytes + bytes)
    }

    static let berlinSummer = FixedOffsetTimeZone(offsetSeconds: 7200)
    /// 2018-07-26 17:06:05 on the monitor's clock (the B650 capture's first record).
    static let local: UInt32 = 1_532_624_765

    @Test("a value's device time is the wall clock resolved in the configured zone, offset kept")
    func zoned() throws {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false, deviceTimeZone: Self.berlinSummer))
        var out = DriverOutput()
        driver.receive(Self.record(time: Self.local, nibpLabel: 0xB, sys: 12000, nibpTime: nil), now: t0, into: &out)
        let hr = try #require(out.observations.numerics.first { $0.metric.vendorCode == "ge:basic.ecg.hr" })
        #expect(hr.deviceTime?.rfc3339 == "2018-07-26T17:06:05+02:00")
        #expect(hr.deviceTime?.instant == Timestamp(rfc3339: "2018-07-26T15:06:05Z"))
    }

    @Test("NIBP: the aux subrecord's nibp_time is the measurement time; without it, the first record showing the result")
    func nibpTime() throws {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false, deviceTimeZone: Self.berlinSummer))
        var out = DriverOutput()
        func sys(_ bytes: [UInt8], _ now: Timestamp) -> [NumericReading] {
            out.reset()
            driver.receive(bytes, now: now, into: &out)
            return out.observations.numerics.filter { $0.metric.vendorCode == "ge:basic.nibp.sys" }
        }
        // On screen at connection, aux says it was measured 200 s earlier.
        let first = sys(Self.record(time: Self.local, nibpLabel: 0xB | 0x100, sys: 12000, nibpTime: Self.local - 200), seconds(0))
        #expect(first.count == 1)
        #expect(first.first?.deviceTime == Self.berlinSummer.resolve(localSeconds: Int64(Self.local - 200)))
        #expect(first.first?.state == .stale)
        // A new result without aux: the time of the record that first shows it.
        #expect(sys(Self.record(time: Self.local + 5, nibpLabel: 0xB | 0x20, sys: 12000, nibpTime: nil), seconds(5)).isEmpty)
        let next = sys(Self.record(time: Self.local + 10, nibpLabel: 0xB, sys: 13100, nibpTime: nil), seconds(10))
        #expect(next.first?.deviceTime?.rfc3339 == "2018-07-26T17:06:15+02:00")
        #expect(next.first?.value == DecimalValue(raw: 13100, exponent: -2))
        #expect(next.first?.episodic == true)
        #expect(sys(Self.record(time: Self.local + 15, nibpLabel: 0xB, sys: 13100, nibpTime: nil), seconds(15)).isEmpty)
    }
}
