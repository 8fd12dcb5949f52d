import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing
@testable import MasimoASCII

/// The driver against its simulator in memory on a virtual clock, through the shared infusion
/// scenario at 60× (one scenario minute a second).
@Suite struct SimulatorSessionTests {
    static func session(seconds: Double, faults: LinkFaults = .none) -> DriverSession {
        var s = DriverSession(
            driver: MasimoASCIIDriver.supervised(configuration: DriverConfiguration(snapshotIntervalNanoseconds: nil)),
            simulator: MasimoASCIISimulator(configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: 60)),
            seed: 1, toDriverFaults: faults)
        s.run(seconds: seconds)
        return s
    }

    @Test func theScenarioDesaturationAndProbeOffReachTheFeed() {
        let s = Self.session(seconds: 62)
        #expect(s.contractViolations.isEmpty)
        #expect(s.transmitted.isEmpty, "listen-only: the oximeter is never sent anything")
        #expect(s.identity.serialNumber == MasimoASCIISimulator.serialNumber)
        let spo2 = s.numerics.filter { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && $0.ageNanoseconds == nil }
        #expect(spo2.contains { $0.state == .valid && ($0.value?.doubleValue ?? 0) >= 96 })
        #expect(spo2.contains { $0.state == .valid && ($0.value?.doubleValue ?? 100) < 90 }, "the desaturation")
        let probeOff = spo2.filter { $0.state == .absent && $0.reason?.contains("sensor off") == true }
        #expect(!probeOff.isEmpty, "the probe coming off")
        #expect(spo2.contains { $0.state == .absent && $0.reason?.contains("pulse search") == true })
        // SpO2 low starts and ends; the sensor-off alert starts and ends.
        let low = s.alarms.filter { $0.text == "SpO2 low" }
        #expect(low.first?.phase == .start && low.contains { $0.phase == .end })
        let off = s.alarms.filter { $0.text == "sensor off" }
        #expect(off.first?.category == .technical && off.contains { $0.phase == .end })
        #expect(s.counters[.framesAccepted, default: 0] >= 60)
    }

    @Test func corruptedLinesAreCountedAndTheRestDecoded() {
        let s = Self.session(seconds: 30, faults: LinkFaults(corrupt: 0.3))
        #expect(s.counters[.malformedFrames, default: 0] > 0)
        #expect(s.counters[.framesAccepted, default: 0] > 10)
        #expect(s.contractViolations.isEmpty)
    }

    @Test func silenceIsReportedAndTheLinkComesBack() {
        let s = Self.session(seconds: 25, faults: LinkFaults(silences: [5...15]))
        #expect(s.links.map(\.kind).contains(.silent))
        #expect(s.links.filter { $0.kind == .connected }.count == 2)
    }
}
