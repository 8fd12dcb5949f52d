import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import BedsideScenario
import Testing
@testable import GEDinamap

/// The driver polling its simulator in memory on a virtual clock, the shared scenario at 60×
/// (a cuff determination every 5 s of session time).
@Suite struct SessionTests {
    static func session(seconds: Double, options: [String: String] = [:], simulatorOptions: [String: String] = [:],
                        faults: LinkFaults = .none, interval: Int = 1) -> DriverSession {
        var s = DriverSession(
            driver: GEDinamapDriver.supervised(configuration: DriverConfiguration(
                updateIntervalSeconds: interval, snapshotIntervalNanoseconds: nil, options: options)),
            simulator: GEDinamapSimulator(configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: 60, options: simulatorOptions)),
            seed: 1, toDriverFaults: faults, toDeviceFaults: faults)
        s.run(seconds: seconds)
        return s
    }

    /// Every request line the driver sent.
    static func requestLines(_ s: DriverSession) -> [[UInt8]] {
        s.transmitted.flatMap(\.bytes).split(separator: 0x0D, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// The only lines the driver may ever send: the four read requests as the notes print them (§2.5).
    static let allowed: Set<[UInt8]> = [hex("20 4e 41 21 32"), hex("20 4f 41 21 33"), hex("20 52 41 21 36"), hex("20 54 43 21 3a")]

    @Test func theDriverOnlyEverSendsTheFourReadRequests() {
        for (faults, simOptions) in [(LinkFaults.none, [:]), (LinkFaults(drop: 0.1, corrupt: 0.2, split: 0.3), [:]),
                                     (LinkFaults.none, ["unplugged": "on"])] as [(LinkFaults, [String: String])] {
            let s = Self.session(seconds: 90, simulatorOptions: simOptions, faults: faults)
            let lines = Self.requestLines(s)
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy(Self.allowed.contains), "sent something else: \(lines.filter { !Self.allowed.contains($0) })")
            // And the monitor's side never received a cuff start or cancel.
            #expect((s.simulator as? GEDinamapSimulator)?.cuffCommandsReceived == 0)
        }
    }

    @Test func onlyTheChosenRequestsAreSent() {
        let s = Self.session(seconds: 10, options: ["read": "spo2,rate"])
        #expect(Set(Self.requestLines(s)) == [hex("20 4f 41 21 33"), hex("20 52 41 21 36")])
    }

    @Test func everyDeterminationOnceWithItsOwnTimeAndTheCuffErrorOnce() {
        // 60 s at 60× is the whole hour: 12 cuff cycles, cycle 9 fails.
        let s = Self.session(seconds: 61)
        #expect(s.contractViolations.isEmpty)
        let sys = s.numerics.filter { $0.metric.vendorCode == "ge-dinamap:NA.sys" && $0.ageNanoseconds == nil }
        let measured = sys.filter { $0.state == .valid }
        let failed = sys.filter { $0.state == .absent }
        let script = PatientScript(seed: 1)
        let completedBy60 = (0..<12).map { script.cuffDetermination(cycle: $0) }.filter { $0.completed / 60 <= 60.5 }
        let expectedMeasured = completedBy60.filter { if case .measured = $0.outcome { true } else { false } }
        #expect(measured.count == expectedMeasured.count)
        #expect(failed.count == 1)
        #expect(failed.first?.reason?.contains("NA status 3") == true)
        // The values are the script's, whole mmHg, in order, each with a distinct measurement time.
        for (reading, det) in zip(measured, expectedMeasured) {
            if case .measured(let sysValue, _, _, _) = det.outcome {
                #expect(reading.value == DecimalValue(mantissa: Int64(sysValue)))
            }
        }
        let times = measured.compactMap { $0.deviceTime?.instant }
        #expect(Set(times).count == times.count && times == times.sorted())
        // The desaturation and the probe off show in SpO2.
        let spo2 = s.numerics.filter { $0.metric.referenceID == "MDC_PULS_OXIM_SAT_O2" && $0.ageNanoseconds == nil }
        #expect(spo2.contains { $0.state == .valid && $0.value!.doubleValue < 91 })
        #expect(spo2.contains { $0.state == .absent })
        #expect(s.numerics.contains { $0.metric.referenceID == "MDC_TEMP" && $0.unit == "[degF]" })
    }

    @Test func aMonitorThatNeverAnswersIsSilentAndGivesNoValue() {
        let s = Self.session(seconds: 30, simulatorOptions: ["unplugged": "on"])
        #expect(s.numerics.isEmpty)
        #expect(s.links.contains { $0.kind == .silent })
        #expect(!s.links.contains { $0.kind == .connected })
        #expect(s.counters[.silences, default: 0] >= 3)
        // It keeps polling, one request per time-out.
        #expect(s.counters[.requestsSent, default: 0] >= 9)
    }

    @Test func listeningOnlyNeverTransmits() {
        var s = DriverSession(
            driver: GEDinamapDriver.supervised(configuration: DriverConfiguration(transmitEnabled: false)),
            simulator: GEDinamapSimulator(configuration: SimulatorConfiguration(seed: 1)), seed: 1)
        s.run(seconds: 30)
        #expect(s.transmitted.isEmpty)
    }
}
