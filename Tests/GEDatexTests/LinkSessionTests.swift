import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import GEDatex
import Testing

/// The GE driver against its simulator through the shared driver-testing link: what a damaged or
/// silent serial line does to a DRI session, without a pty.
@Suite("GE DRI over the in-memory link")
struct GEDatexLinkSessionTests {
    func session(toDriver faults: LinkFaults = .none, seed: UInt64 = 3) -> DriverSession {
        DriverSession(driver: GEDatexDriver.supervised(configuration: DriverConfiguration()),
                      simulator: GEDatexSimulator(configuration: SimulatorConfiguration(seed: seed)),
                      seed: seed, toDriverFaults: faults)
    }

    @Test func corruptedBytesAreCountedAsChecksumOrLengthErrorsAndNeverCrash() {
        var s = session(toDriver: LinkFaults(corrupt: 0.3))
        s.run(seconds: 120)
        #expect(s.contractViolations.isEmpty, "\(s.contractViolations)")
        let rejected = (s.counters[.checksumErrors] ?? 0) + (s.counters[.lengthErrors] ?? 0) + (s.counters[.malformedFrames] ?? 0)
        #expect(rejected > 0, "\(s.counters)")
        #expect((s.counters[.framesAccepted] ?? 0) > 0)
    }

    @Test func aStalledLineIsReportedSilentAndTheDriverAsksAgain() {
        var s = session(toDriver: LinkFaults(silences: [20...70]))
        s.run(seconds: 120)
        let kinds = s.links.map(\.kind)
        #expect(kinds.contains(.silent), "\(kinds)")
        let requests = s.counters[.requestsSent] ?? 0
        #expect(requests >= 2, "the driver re-requests after a silence (\(requests) requests)")
        // Values come back after the stall: the last ones are fresh, not re-statements.
        #expect(s.numerics.last { $0.ageNanoseconds == nil && $0.state == .valid } != nil)
    }
}
