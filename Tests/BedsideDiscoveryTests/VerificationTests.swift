import BedsideConfig
import BedsideModel
import BedsideRuntime
import Foundation
import Testing

@Suite("verify: expectations and verdicts")
struct VerificationTests {
    static let plan = try! VerificationPlan.parse("""
        seconds: 30
        expect:
          - { metric: MDC_ECG_HEART_RATE, value: 80, tolerance: 2, unit: /min }
          - { metric: MDC_PULS_OXIM_SAT_O2, value: 97, tolerance: 1 }
          - { metric: MDC_PRESS_BLD_NONINV_SYS, value: 120, tolerance: 5% }
          - { metric: MDC_PULS_RATE, source: ECG, value: 80, tolerance: 0 }
        """, file: "sim.yaml")

    static func record(_ ref: String, _ value: DecimalValue?, _ unit: String, _ state: MeasurementState = .valid,
                       source: String? = nil) -> FeedRecord {
        FeedRecord(seq: 1, bridgeId: "1", device: DeviceIdentity(driver: "ge-datex", vendor: "GE", location: "chair-1"),
                   observation: .numeric(NumericReading(metric: MetricIdentity(referenceID: ref, code: nil, vendorCode: "v"),
                                                        value: value, unit: unit, state: state, source: source, deviceTime: nil,
                                                        hostTime: Timestamp(nanosecondsSinceEpoch: 0))))
    }

    @Test("the file's metrics, tolerances (absolute and percent) and duration are read")
    func parse() {
        #expect(Self.plan.seconds == 30)
        #expect(Self.plan.expectations.map(\.metric) == ["MDC_ECG_HEART_RATE", "MDC_PULS_OXIM_SAT_O2", "MDC_PRESS_BLD_NONINV_SYS", "MDC_PULS_RATE"])
        #expect(Self.plan.expectations[0].bounds == Decimal(78)...Decimal(82))
        #expect(Self.plan.expectations[2].bounds == Decimal(114)...Decimal(126))
        #expect(Self.plan.expectations[3].qualifier == "ECG")
    }

    @Test("problems in the file name their line")
    func parseErrors() {
        do {
            _ = try VerificationPlan.parse("expect:\n  - { metric: X, value: eighty, tolerance: 2 }\n  - { metric: Y, value: 1 }\n", file: "f")
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.line) == [2, 3])
            #expect(error.issues[0].message == "value must be a number")
            #expect(error.issues[1].message == "this expectation has no tolerance")
        }
    }

    @Test("PASS needs valid readings all within tolerance in the expected unit; other states never count")
    func verdicts() throws {
        var tally = VerificationTally(plan: Self.plan)
        for r in [
            Self.record("MDC_ECG_HEART_RATE", 79, "/min"), Self.record("MDC_ECG_HEART_RATE", 82, "/min"),
            Self.record("MDC_ECG_HEART_RATE", 200, "/min", .invalid),
            Self.record("MDC_PULS_OXIM_SAT_O2", 97, "%"), Self.record("MDC_PULS_OXIM_SAT_O2", DecimalValue(mantissa: 955, exponent: -1), "%"),
            Self.record("MDC_PRESS_BLD_NONINV_SYS", 121, "mm[Hg]", .demo),
            Self.record("MDC_PULS_RATE", 80, "/min", source: "pleth"), Self.record("MDC_PULS_RATE", 80, "/min", source: "ECG"),
        ] { tally.apply(r) }
        let results = tally.results
        #expect(results.map(\.passed) == [true, false, false, true])
        #expect(results[0].values == ["79", "82"])
        #expect(results[0].otherStates == [.invalid: 1])
        #expect(results[1].reason == "1 of 2 readings outside 96…98: 95.5")
        #expect(results[2].reason == "no valid reading in 30 s (received: 1 demo)")
        #expect(results[3].values == ["80"], "only the ECG source's readings")
        #expect(!tally.passed)
        let report = tally.report(port: "/dev/ttyUSB0", driver: "ge-datex", expectations: "sim.yaml",
                                  started: Timestamp(nanosecondsSinceEpoch: 0), ended: Timestamp(nanosecondsSinceEpoch: 30_000_000_000))
        #expect(report.contains("PASS  MDC_ECG_HEART_RATE"))
        #expect(report.contains("got 82 (2 readings, 79…82)"))
        #expect(report.contains("FAIL  MDC_PULS_OXIM_SAT_O2"))
        #expect(report.hasSuffix("result: FAIL (2 of 4 metrics failed)\n"))
    }

    @Test("a reading in another unit fails")
    func unit() {
        var tally = VerificationTally(plan: Self.plan)
        tally.apply(Self.record("MDC_ECG_HEART_RATE", 80, "/s"))
        #expect(tally.results[0].reason == "unit is /s, expected /min")
    }
}
