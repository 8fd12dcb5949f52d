import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

@Suite("GE alarm records (texts trusted, priority not)")
struct AlarmTests {
    static func alarmFrame(_ texts: [String], time: UInt32) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: GEDatexAlarmDecoder.preambleLength + 5 * GEDatexAlarmDecoder.boxStride + 10)
        for (k, t) in texts.enumerated() {
            let at = GEDatexAlarmDecoder.preambleLength + k * GEDatexAlarmDecoder.boxStride
            body.replaceSubrange(at..<(at + t.utf8.count), with: Array(t.utf8))
            body.storeLE(Int16(3), at: at + GEDatexAlarmDecoder.colourOffset)
        }
        let header = GEDatexRecordHeader(length: 40 + body.count, number: 0, driLevel: 10, time: time,
                                         mainTypeCode: GEDatexMainType.alarm.rawValue,
                                         subrecords: [GEDatexSubrecordDescriptor(offset: 0, type: 1)])
        return GEDatexFrameEncoder.frame(record: header.bytes + body)
    }

    @Test("texts become active, and cleared when they leave the list")
    func lifecycle() {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        driver.receive(Self.alarmFrame(["SpO2 LOW", "HR HIGH"], time: 1000), now: seconds(1), into: &out)
        var alarms = out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        #expect(alarms.map(\.text) == ["SpO2 LOW", "HR HIGH"])
        #expect(alarms.allSatisfy { $0.phase == .start && $0.priority == .unknown && $0.vendorCode == "ge:alarm.colour=3" })
        #expect(alarms.first?.deviceTime?.instant == Timestamp(secondsSinceEpoch: 1000))
        out.reset()
        driver.receive(Self.alarmFrame(["HR HIGH"], time: 1005), now: seconds(6), into: &out)
        alarms = out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        #expect(alarms.map(\.text) == ["SpO2 LOW"])
        #expect(alarms.first?.phase == .end)
    }
}
