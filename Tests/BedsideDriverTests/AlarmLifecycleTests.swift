import BedsideDriver
import BedsideModel
import Testing

@Suite("Alarm life cycle from the device's alarm lists")
struct AlarmLifecycleTests {
    let t0 = Timestamp(rfc3339: "2026-12-04T10:00:00Z")!

    func hrHigh(_ priority: AlarmEvent.Priority = .medium, text: String = "HR HIGH") -> AlarmLifecycle.Present {
        .init(key: "0x0200/HR", category: .physiological, priority: priority, text: text, lowerLimit: 50, upperLimit: 120)
    }

    func run(_ lists: [[AlarmLifecycle.Present]]) -> [AlarmEvent] {
        var life = AlarmLifecycle()
        var out: [Observation] = []
        for (i, list) in lists.enumerated() {
            life.update(present: list, deviceTime: nil, hostTime: t0.adding(seconds: Double(i)), into: &out)
        }
        return out.compactMap { if case .alarm(let a) = $0 { a } else { nil } }
    }

    @Test func oneInstanceHasOneIdAcrossStartUpdateAndEnd() {
        let events = run([[hrHigh()], [hrHigh()], [hrHigh(.high)], [hrHigh(.high)], []])
        #expect(events.map(\.phase) == [.start, .update, .end])
        #expect(Set(events.map(\.alarmId)).count == 1)
        #expect(events[1].priority == .high)
        #expect(events[0].upperLimit == 120)
    }

    @Test func aRecurrenceIsANewInstance() {
        let events = run([[hrHigh()], [], [hrHigh()]])
        #expect(events.map(\.phase) == [.start, .end, .start])
        #expect(events[0].alarmId == events[1].alarmId)
        #expect(events[2].alarmId != events[0].alarmId)
    }

    @Test func aTextChangeIsAnUpdateButARepeatedListIsSilent() {
        let events = run([[hrHigh()], [hrHigh(text: "HR HIGH 130")], [hrHigh(text: "HR HIGH 130")]])
        #expect(events.map(\.phase) == [.start, .update])
    }

    @Test func endAllEndsEveryOpenAlarmWithTheReason() {
        var life = AlarmLifecycle()
        var out: [Observation] = []
        let tech = AlarmLifecycle.Present(key: "leads", category: .technical, priority: .low, text: "LEADS OFF")
        life.update(present: [hrHigh(), tech], deviceTime: nil, hostTime: t0, into: &out)
        life.endAll(reason: "link lost", hostTime: t0.adding(seconds: 5), into: &out)
        let ends = out.compactMap { if case .alarm(let a) = $0, a.phase == .end { a } else { nil } }
        #expect(ends.count == 2 && ends.allSatisfy { $0.endReason == "link lost" })
        #expect(life.activeCount == 0)
        // After re-association the same condition starts afresh.
        out.removeAll()
        life.update(present: [hrHigh()], deviceTime: nil, hostTime: t0.adding(seconds: 9), into: &out)
        #expect(out.count == 1)
    }
}
