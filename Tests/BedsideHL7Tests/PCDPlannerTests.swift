import BedsideModel
import Testing
@testable import BedsideHL7

@Suite("PCD message planning")
struct PCDPlannerTests {
    func rec(_ seq: UInt64, _ o: Observation, device: String = "02005EFFFE0000A1") -> FeedRecord {
        FeedRecord(seq: seq, bridgeId: "b", device: DeviceIdentity(id: device, driver: "toy", vendor: "Toy"), observation: o)
    }

    @Test("one PCD-01 per device per observation time; alarms and events on their own, per device in record order")
    func grouping() {
        let n = PCDExamples.e1Numerics
        var later = n[0]
        later.hostTime = PCDExamples.at(10, 16, 0)
        var stale = n[1]
        stale.ageNanoseconds = 5_000_000_000
        stale.state = .stale
        let records = [
            rec(1, .numeric(n[0])), rec(2, .numeric(n[1])), rec(3, .numeric(n[0]), device: "02005EFFFE0000B7"),
            rec(4, .numeric(n[3])),  // NIBP: its own (cuff) time
            rec(5, .alarm(PCDExamples.spo2Low(phase: .start))),
            rec(6, .numeric(n[2])), rec(7, .numeric(later)),
            rec(8, .numeric(stale)),  // a re-statement: not a measurement
            rec(9, .link(LinkEvent(kind: .connected, hostTime: PCDExamples.at(10, 16, 0)))),
        ]
        let plans = PCDPlanner().plan(records)
        let summary = plans.map { p -> String in
            switch p.content {
            case .observation(_, let numerics, _): "\(p.device.id!.suffix(2)) 01 \(numerics.count) \(p.firstSeq)-\(p.lastSeq)"
            case .alert: "\(p.device.id!.suffix(2)) 04 \(p.firstSeq)"
            case .infusionEvent: "\(p.device.id!.suffix(2)) 10 \(p.firstSeq)"
            }
        }
        // Per device in record order; open groups close in the order they opened.
        #expect(summary == ["A1 01 2 1-2", "A1 01 1 4-4", "A1 04 5", "A1 01 1 6-6", "B7 01 1 3-3", "A1 01 1 7-7"])
    }

    @Test("a metric repeated at the same time starts a new message rather than repeating an OBX-4")
    func repeatedPath() {
        let n = PCDExamples.e1Numerics
        let plans = PCDPlanner().plan([rec(1, .numeric(n[0])), rec(2, .numeric(n[0]))])
        #expect(plans.count == 2)
    }

    @Test("replayed records are never sent as HL7")
    func replayed() {
        var r = rec(1, .numeric(PCDExamples.e1Numerics[0]))
        r.replayed = true
        #expect(PCDPlanner().plan([r]).isEmpty)
    }
}
