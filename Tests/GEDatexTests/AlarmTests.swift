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
        let alarms = out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        #expect(alarms.map(\.text) == ["SpO2 LOW", "HR HIGH"])
        #expect(alarms.allSatisfy { $0.phase == .start && $0.priority == .unknown && $0.vendorCode == "ge:alarm.colour=3" })
        #expect(alarms.first?.deviceTime?.instant == Timestamp(secondsSinceEpoch: 1000))
        out.reset()
        driver.receive(Self.alarmFrame(["HR HIGH"], time: 1005), now: seconds(6), into: &out)
        let ended = out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        #expect(ended.map(\.text) == ["SpO2 LOW"])
        #expect(ended.first?.phase == .end)
        #expect(ended.first?.alarmId == alarms.first?.alarmId, "every phase of one alarm carries its id")
        #expect(alarms[0].alarmId != alarms[1].alarmId)
    }

    @Test("a text that returns later is a new alarm instance with a new id")
    func reoccurrence() {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        var ids: [String] = []
        for (k, texts) in [["HR HIGH"], [], ["HR HIGH"]].enumerated() {
            driver.receive(Self.alarmFrame(texts, time: 1000 + UInt32(k)), now: seconds(Double(k)), into: &out)
            ids += out.observations.compactMap { if case .alarm(let a) = $0, a.phase == .start { a.alarmId } else { nil } }
            out.reset()
        }
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2)
    }

    @Test("link silent ends open alarms once, before the link event; a later list starts them afresh")
    func endOnSilence() throws {
        var driver = GEDatexDriver.supervised(configuration: DriverConfiguration(snapshotIntervalNanoseconds: nil,
                                                                                  options: ["alarms": "on"]))
        var out = DriverOutput()
        driver.start(now: seconds(0), into: &out)
        out.reset()
        // Data flows: a PHDB record (connected) and an alarm list.
        driver.receive(SessionTests().monitorRecord(at: seconds(1)), now: seconds(1), into: &out)
        driver.receive(Self.alarmFrame(["APNEA"], time: UInt32(seconds(1).secondsSinceEpoch)), now: seconds(1), into: &out)
        let started = out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        #expect(started.map(\.phase) == [.start])
        out.reset()
        // Silence until the session gives up on the stream.
        var now = seconds(1)
        var ends: [AlarmEvent] = []
        var kinds: [Observation] = []
        while ends.isEmpty, now < seconds(120) {
            guard let next = out.nextDeadline ?? Optional(now.adding(seconds: 1)) else { break }
            out.reset()
            now = max(next, now)
            driver.tick(now: now, into: &out)
            kinds += out.observations
            ends += out.observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
        }
        #expect(ends.count == 1, "one end, not one from the driver and one from the ledger")
        let end = try #require(ends.first)
        #expect(end.phase == .end && end.alarmId == started.first?.alarmId)
        #expect(end.endReason?.contains("silent") == true)
        let endIndex = kinds.firstIndex { if case .alarm = $0 { true } else { false } }
        let silentIndex = kinds.firstIndex { if case .link(let l) = $0 { l.kind == .silent } else { false } }
        #expect(endIndex != nil && silentIndex != nil && endIndex! < silentIndex!)
    }
}
