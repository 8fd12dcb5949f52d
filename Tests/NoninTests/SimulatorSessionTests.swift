import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing
@testable import Nonin

@Suite struct SimulatorSessionTests {
    static func session(seconds: Double, driver: [String: String] = [:], simulator: [String: String] = [:],
                        faults: LinkFaults = .none) -> DriverSession {
        var s = DriverSession(
            driver: NoninDriver.supervised(configuration: DriverConfiguration(snapshotIntervalNanoseconds: nil, options: driver)),
            simulator: NoninSimulator(configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: 60, options: simulator)),
            seed: 1, toDriverFaults: faults)
        s.run(seconds: seconds)
        return s
    }

    @Test(arguments: ["2", "7", "8"])
    func theScenarioReachesTheFeedInEveryFormat(format: String) {
        let s = Self.session(seconds: 62, driver: ["format": format], simulator: ["format": format])
        #expect(s.contractViolations.isEmpty)
        #expect(s.transmitted.isEmpty)
        let spo2 = s.numerics.filter { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && $0.ageNanoseconds == nil }
        #expect(spo2.contains { $0.state == .valid && $0.value!.doubleValue >= 96 })
        #expect(spo2.contains { $0.value != nil && $0.value!.doubleValue < 91 }, "the desaturation")
        #expect(spo2.contains { $0.state == .absent && $0.reason?.contains("sensor disconnected") == true }, "probe off")
        #expect(spo2.contains { $0.state == .questionable && $0.reason?.contains("artifact") == true }, "artifact after")
        #expect(s.alarms.contains { $0.text == "sensor disconnected" && $0.phase == .start })
        #expect(s.alarms.contains { $0.text == "sensor disconnected" && $0.phase == .end })
    }

    @Test func selectFormatSwitchesADeviceThatStartsInAnother() {
        let s = Self.session(seconds: 5, driver: ["format": "8", "select-format": "on"], simulator: ["format": "7"])
        #expect(s.transmitted.flatMap(\.bytes) == [0x02, 0x70, 0x02, 0x02, 0x08, 0x03])
        #expect(s.counters["format.accepted"] == 1)
        #expect(s.numerics.contains { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && $0.state == .valid })
    }

    @Test func theWrongFormatIsReportedNotDecoded() {
        let s = Self.session(seconds: 10, driver: ["format": "2"], simulator: ["format": "7"])
        #expect(s.numerics.isEmpty)
        #expect(s.links.contains { $0.kind == .silent || $0.kind == .error })
    }

    @Test func corruptedPacketsAreCountedAndTheRestDecoded() {
        let s = Self.session(seconds: 20, faults: LinkFaults(corrupt: 0.3, split: 0.5))
        #expect(s.counters[.checksumErrors, default: 0] > 0)
        #expect(s.counters[.framesAccepted, default: 0] > 20)
        #expect(s.contractViolations.isEmpty)
    }
}
