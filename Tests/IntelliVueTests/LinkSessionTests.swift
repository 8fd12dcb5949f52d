import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import IntelliVue
import Testing

/// The IntelliVue driver against its simulator through the shared driver-testing link:
/// association, polling and recovery on a damaged or silent line, without a pty.
@Suite("IntelliVue over the in-memory link")
struct IntelliVueLinkSessionTests {
    func session(toDriver faults: LinkFaults = .none, seed: UInt64 = 5) -> DriverSession {
        DriverSession(driver: IntelliVueDriver.supervised(configuration: DriverConfiguration()),
                      simulator: IntelliVueSimulator(configuration: SimulatorConfiguration(seed: seed)),
                      seed: seed, toDriverFaults: faults)
    }

    @Test func aCleanSessionAssociatesAndDeliversDemoMarkedValues() {
        var s = session()
        s.run(seconds: 30)
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        #expect(s.links.contains { $0.kind == .connected })
        let fresh = s.numerics.filter { $0.ageNanoseconds == nil && $0.value != nil }
        #expect(!fresh.isEmpty)
        // The simulator raises the protocol's demo flag: nothing it sends passes as a patient value.
        #expect(!fresh.contains { $0.state == .valid })
    }

    @Test func corruptedFramesAreRejectedByTheFrameCheckAndCounted() {
        var s = session(toDriver: LinkFaults(corrupt: 0.2))
        s.run(seconds: 60)
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        #expect((s.counters[.checksumErrors] ?? 0) + (s.counters[.malformedFrames] ?? 0) + (s.counters[.lengthErrors] ?? 0) > 0,
                "\(s.counters)")
    }

    @Test func aLongSilenceEndsTheAssociationsAlarmsAndItComesBack() {
        var s = session(toDriver: LinkFaults(silences: [15...60]))
        s.run(seconds: 120)
        let kinds = s.links.map(\.kind)
        #expect(kinds.contains(.silent) || kinds.contains(.disconnected), "\(kinds)")
        #expect(kinds.lastIndex(of: .connected) ?? -1 > kinds.firstIndex(where: { $0 == .silent || $0 == .disconnected }) ?? Int.max,
                "a new association after the silence: \(kinds)")
        var open = Set<String>()
        for a in s.alarms { if a.phase == .end { open.remove(a.alarmId) } else { open.insert(a.alarmId) } }
        // Whatever is open now was started after the link came back.
        let reconnected = s.links.last { $0.kind == .connected }?.hostTime
        #expect(s.alarms.filter { open.contains($0.alarmId) && $0.phase == .start }.allSatisfy { a in
            reconnected.map { a.hostTime >= $0 } ?? true
        })
    }
}
