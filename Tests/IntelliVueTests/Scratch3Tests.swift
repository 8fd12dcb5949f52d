import Testing
import BedsideModel
@testable import IntelliVue

@Suite struct Scratch3Tests {
    @Test func session() throws {
        var b = SessionBench(simulator: .init(seed: 7, scenarioSpeed: 60))
        b.start()
        b.advance(seconds: 70)
        print(b.run.counters.sorted { $0.key < $1.key })
        print(b.run.identity, b.driver.stateName, b.simulator.stateName)
        for l in b.run.links { print(l.hostTime, l.kind, l.detail ?? "") }
        for a in b.run.alarms { print(a.hostTime, a.phase, a.text, a.priority) }
        var seen = Set<String>()
        for n in b.run.numerics where seen.insert(n.metric.vendorCode).inserted { print(n.metric.referenceID ?? "-", n.label ?? "", n.value?.text ?? "nil", n.unit ?? "", n.state, n.deviceTime?.rfc3339 ?? "", n.hostTime) }
        seen = []
        for w in b.run.waves where seen.insert(w.metric.vendorCode).inserted { print(w.metric.referenceID ?? "-", w.samples.count, w.scale, w.offset, w.unit ?? "") }
        print(b.messages(from: .host).count, b.messages(from: .monitor).count)
        b.stopDriver(); b.advance(seconds: 2)
        print(b.driver.stateName, b.simulator.stateName, b.run.links.last!)
    }
}
