import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import BedsideSniffer
import Testing
@testable import BedsideRuntime

/// Every registered driver against its own simulator, in memory on a virtual clock
/// (``DriverSession``): what a driver must do for the bridge whatever its protocol. A new driver
/// registered in ``DriverCatalog`` is checked here without a line of test code.
@Suite("Catalog drivers against their simulators")
struct CatalogSessionTests {
    static let simulated: [String] = DriverCatalog.simulatedDriverNames

    static func session(_ name: String, seed: UInt64 = 1, faults: LinkFaults = .none) throws -> DriverSession {
        let registry = DriverCatalog.registry
        return DriverSession(
            driver: try registry.makeDriver(named: name, configuration: DriverConfiguration(snapshotIntervalNanoseconds: 10_000_000_000)),
            simulator: try registry.makeSimulator(named: name, configuration: SimulatorConfiguration(seed: seed)),
            seed: seed, toDriverFaults: faults)
    }

    @Test("the sniffer's candidates are the catalog drivers' declared variants; every driver detected by listening declares some")
    func sniffCandidatesComeFromTheCatalog() {
        // Label and checked frames needed, as each protocol's README justifies them.
        #expect(DriverCatalog.sniffCandidates.map { "\($0.label): \($0.framesNeeded)" } == [
            "ge-datex: 2", "intellivue: 3", "ge-dinamap: 4", "masimo-ascii: 3",
            "nonin (format=2): 2", "nonin (format=7): 2", "nonin (format=8): 10",
        ])
        for entry in DriverCatalog.entries where entry.driver.descriptor.detection.approach == .listen {
            #expect(!entry.driver.descriptor.detection.sniffing.isEmpty, "\(entry.driver.descriptor.name)")
        }
    }

    @Test("every simulator belongs to a registered driver, and names are unique")
    func catalogConsistent() {
        let names = DriverCatalog.registry.names
        #expect(Set(names).count == names.count)
        for s in DriverCatalog.registry.simulators { #expect(names.contains(s.driverName)) }
        #expect(!Self.simulated.isEmpty)
    }

    @Test("a clean 40 s session: measured values with units, well-formed counters, no errors, snapshots",
          arguments: simulated)
    func cleanSession(name: String) throws {
        var s = try Self.session(name)
        s.run(seconds: 40)
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        // A simulator may mark its values `demo` (IntelliVue's does, as its demo mode would).
        let measured = s.numerics.filter { [.valid, .demo].contains($0.state) && $0.ageNanoseconds == nil }
        #expect(!measured.isEmpty)
        #expect(measured.allSatisfy { $0.value != nil && ($0.unit != nil || $0.vendorUnit != nil) },
                "a measured value needs a number and a unit")
        for counter in s.counters.keys { #expect(counter.isWellFormed, "counter name \(counter)") }
        #expect(s.counters[.framesAccepted, default: 0] > 0)
        #expect(s.counters[.checksumErrors] == nil)
        #expect(s.counters[.lengthErrors] == nil)
        // The ledger re-states what is current every 10 s of the session.
        #expect(s.snapshots.count >= 3)
    }

    @Test("a damaged link (seeded corruption, drops, splits) is detected and counted, never crashes",
          arguments: simulated)
    func damagedLink(name: String) throws {
        var s = try Self.session(name, seed: 3, faults: LinkFaults(drop: 0.05, corrupt: 0.2, split: 0.3))
        s.run(seconds: 60)
        let rejected = [DriverCounter.checksumErrors, .lengthErrors, .malformedFrames, .bytesDiscarded]
            .reduce(0) { $0 + s.counters[$1, default: 0] }
        #expect(rejected > 0, "corrupted frames must be rejected and counted: \(s.counters)")
        #expect(s.counters[.framesAccepted, default: 0] > 0)
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
    }

    @Test("losing the link ends every open alarm and leaves no value current", arguments: simulated)
    func linkLoss(name: String) throws {
        var s = try Self.session(name)
        s.run(seconds: 30)
        s.announce(.disconnected, detail: "test")
        let after = s.observations.drop { if case .link(let l) = $0 { l.kind != .disconnected } else { true } }
        var open = Set<String>()
        for a in s.alarms { if a.phase == .end { open.remove(a.alarmId) } else { open.insert(a.alarmId) } }
        #expect(open.isEmpty, "alarms left open after link loss: \(open)")
        let restated = after.compactMap { if case .numeric(let r) = $0 { r } else { nil } }
        // Demo and test values keep saying so when they go stale: the staleness is in the reason and age.
        #expect(restated.allSatisfy {
            $0.state == .stale || $0.state == .absent
                || (($0.state == .demo || $0.state == .test) && $0.ageNanoseconds != nil && $0.reason?.contains("link") == true)
        })
    }
}
