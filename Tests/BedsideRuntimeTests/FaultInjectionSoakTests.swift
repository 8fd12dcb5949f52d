import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing
@testable import BedsideRuntime

/// The soak benchmark in small (`bedside soak` runs it with 128 devices for an hour).
@Suite("Soak benchmark (small)")
struct FaultInjectionSoakTests {
    @Test("4 devices, 10 simulated minutes, faults and a stall each: records in seq order, nothing invented, samples taken")
    func smallSoak() async throws {
        var c = SoakBench.Configuration()
        c.devices = 4
        c.simulatedSeconds = 600
        c.stepSeconds = 60
        let result = try await SoakBench(configuration: c).run()
        #expect(result.samples.count == 10)
        #expect(result.samples.allSatisfy { $0.residentBytes != nil && $0.openDescriptors > 0 })
        #expect(result.records > 0 && result.records == result.samples.last?.records)
        #expect(result.seqGaps == 0 && result.subscriberDrops == 0)
        #expect(result.checkedValues > 0)
        #expect(result.inventedValues == 0, "\(result.inventedExamples)")
        #expect(result.contractViolations.isEmpty, "\(result.contractViolations)")
        // The faults were really on: frames rejected, and every device's stall seen as `silent`.
        #expect(result.counters[.checksumErrors, default: 0] > 0, "\(result.counters)")
        #expect(result.links[.silent, default: 0] >= 4, "\(result.links)")
    }
}
