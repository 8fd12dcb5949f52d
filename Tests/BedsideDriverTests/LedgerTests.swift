import BedsideDriver
import BedsideModel
import Testing

@Suite("Ledger: ranges, staleness, link loss, snapshots, skew")
struct LedgerTests {
    let t0 = Timestamp(rfc3339: "2026-12-04T10:00:00Z")!

    @Test func aValueThatStopsUpdatingGoesStaleThenAbsentWithinItsPeriods() {
        var run = SupervisedRun(start: t0)
        for s in 0..<5 { run.send([70], at: Double(s), from: t0) }   // every second
        run.advance(to: t0.adding(seconds: 20))
        let marks = run.numerics.filter { $0.state != .valid }
        #expect(marks.map(\.state) == [.stale, .absent])
        // Last update at 4 s with a 1 s period: stale by 4 + 1.5, absent by 4 + 3.
        #expect(marks[0].hostTime <= t0.adding(seconds: 5.5))
        #expect(marks[1].hostTime <= t0.adding(seconds: 7))
        #expect(marks[0].value == 70 && marks[0].ageNanoseconds ?? 0 >= 1_500_000_000)
        #expect(marks[1].value == nil)
    }

    @Test func aValueThatKeepsUpdatingIsNeverMarked() {
        var run = SupervisedRun(start: t0)
        for s in 0..<30 { run.send([70 + UInt8(s % 3)], at: Double(s), from: t0) }
        #expect(run.numerics.allSatisfy { $0.state == .valid })
    }

    @Test func linkLossMarksValuesStaleAtOnceAndEndsOpenAlarms() {
        var run = SupervisedRun(start: t0)
        run.send([72, 0xFF], at: 0, from: t0)
        #expect(run.alarmEvents.map(\.phase) == [.start])
        run.announce(.closed, at: 0.5, from: t0)
        let stale = run.numerics.filter { $0.state == .stale }
        #expect(stale.count == 1 && stale[0].hostTime == t0.adding(seconds: 0.5))
        let ends = run.alarmEvents.filter { $0.phase == .end }
        #expect(ends.count == 1 && ends[0].endReason == "link closed" && ends[0].alarmId == run.alarmEvents[0].alarmId)
    }

    @Test func aValueOutsideTheDeviceRangeIsInvalidWithItsNumberKept() {
        var run = SupervisedRun(start: t0)
        run.send([251], at: 0, from: t0)
        let r = run.numerics[0]
        #expect(r.state == .invalid && r.value == 251)
        #expect(r.reason?.contains("outside the device's range") == true)
    }

    @Test func snapshotsRestateCurrentValuesWithTheirAgeAndOpenAlarms() {
        var run = SupervisedRun(start: t0, snapshotSeconds: 10)
        run.send([72, 0xFF], at: 7, from: t0)
        run.advance(to: t0.adding(seconds: 25))
        #expect(run.snapshots.count == 2)
        let first = run.snapshots[0]
        #expect(first.hostTime == t0.adding(seconds: 10))
        #expect(first.numerics.first?.ageNanoseconds == 3_000_000_000)
        #expect(first.activeAlarms.count == 1)
        // By the second snapshot the value has missed its updates: it is re-stated as such.
        #expect(run.snapshots[1].numerics.first?.state == .absent)
    }

    @Test func linkRecordsCarryTheMeasuredClockSkew() {
        var run = SupervisedRun(start: t0)
        run.send([72], at: 1, from: t0)          // the device's clock runs 2 s ahead
        run.announce(.silent, at: 2, from: t0)
        #expect(run.links.last?.clockSkewNanoseconds == 2_000_000_000)
    }

    @Test func theLedgersOwnDeadlinesFireWhenTheDriverAsksForNone() {
        // The byte monitor never asks for a timer; snapshots must still come on time.
        var run = SupervisedRun(start: t0, snapshotSeconds: 5)
        run.send([72], at: 0, from: t0)
        run.advance(to: t0.adding(seconds: 12))
        #expect(run.snapshots.count == 2)
    }
}
