import Testing
import BedsideModel
@testable import IntelliVue

@Suite struct ScratchTests {
    @Test func dump() throws {
        for name in SharedData.logNames {
            let run = try replayLog(name)
            print("== \(name)", run.counters.sorted { $0.key < $1.key })
            print(run.identity)
            for l in run.links { print("  link", l.kind, l.detail ?? "") }
            var seen = Set<String>()
            for n in run.numerics where seen.insert(n.metric.vendorCode + (n.label ?? "")).inserted {
                print("  num", n.metric.referenceID ?? "-", n.metric.vendorCode, n.label ?? "-", n.value?.text ?? "nil", n.unit ?? "-", n.state, n.reason ?? "", n.deviceTime?.rfc3339 ?? "-")
            }
            seen = []
            for w in run.waves where seen.insert(w.metric.vendorCode).inserted {
                print("  wave", w.metric.referenceID ?? "-", w.metric.vendorCode, w.label ?? "-", w.samples.count, w.scale, w.offset, w.samplePeriodNanoseconds, w.unit ?? "-", w.state, w.reason ?? "")
            }
            for a in run.alarms.prefix(10) { print("  alarm", a.category, a.priority, a.phase, a.text, a.vendorCode ?? "") }
        }
    }
}
