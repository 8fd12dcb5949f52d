import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// Answers that arrive late: a host or adapter slow enough that the driver resends its association
/// request, and poll results still on their way when an association ends. The feed's promise is that
/// no fresh value falls between a `disconnected` and the next `connected`.
@Suite struct LateAnswerTests {
    /// Every numeric that arrived after a `disconnected` and before the next `connected`.
    static func valuesWhileDisconnected(_ observations: [Observation]) -> [NumericReading] {
        var disconnected = false
        var found: [NumericReading] = []
        for o in observations {
            switch o {
            case .link(let l) where l.kind == .disconnected: disconnected = true
            case .link(let l) where l.kind == .connected: disconnected = false
            case .numeric(let r) where disconnected && r.value != nil: found.append(r)
            default: break
            }
        }
        return found
    }

    @Test("a slow link: the resent association request is refused (the monitor holds ours), and the association goes on")
    func slowLinkKeepsItsAssociation() {
        // 2.5 s each way: the driver resends its request (every 2 s) before the first answer is in,
        // and the simulated monitor refuses the second one because it is already associated.
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 3, scenarioSpeed: 1))
        b.transitNanoseconds = 2_500_000_000
        b.start()
        b.advance(seconds: 40)
        #expect(b.run["association.duplicate-refused"] >= 1, "\(b.run.counters)")
        #expect(!b.run.links.contains { $0.kind == .disconnected }, "\(b.run.links.map { "\($0.kind): \($0.detail ?? "")" })")
        #expect(b.driver.stateName == "associated")
        #expect(b.run.numerics.contains { $0.value != nil })
        #expect(Self.valuesWhileDisconnected(b.run.observations).isEmpty)
    }

    @Test("poll results of an association that ended are not forwarded while the driver associates again")
    func resultsAfterADisconnectAreHeld() throws {
        // Real poll results: the simulator answering the driver in memory.
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 3, scenarioSpeed: 1))
        b.start()
        b.advance(seconds: 5)
        var results: [[UInt8]] = []
        for chunk in b.wire where chunk.from == .monitor {
            var decoder = IntelliVueFrameDecoder()
            chunk.bytes.withUnsafeBytes { raw in
                var i = 0
                while let e = decoder.next(in: raw, from: &i) {
                    guard e == .frame else { continue }
                    let message = decoder.message
                    let isPollResult = message.withUnsafeBytes { m in
                        guard let h = try? RemoteOperationHeader(parsing: m) else { return false }
                        return (h.roType == Nomenclature.ROType.result || h.roType == Nomenclature.ROType.linkedResult)
                            && h.commandType == Nomenclature.Command.confirmedAction
                    }
                    if isPollResult { results.append(message) }
                }
            }
        }
        try #require(!results.isEmpty)

        // The same results reach an associated driver as values …
        var associated = SessionTests.associated()
        for r in results { associated.monitor(r, 1.5) }
        #expect(associated.run.numerics.contains { $0.value != nil })

        // … and nothing once the monitor has aborted and the driver is associating again.
        var h = SessionTests.associated()
        h.monitor(AssociationMessages.abort, 1.4)
        #expect(h.driver.stateName == "associating")
        for r in results { h.monitor(r, 1.5) }
        #expect(Self.valuesWhileDisconnected(h.run.observations).isEmpty)
        #expect(h.run["polls.results-after-disconnect"] >= 1)
    }
}
