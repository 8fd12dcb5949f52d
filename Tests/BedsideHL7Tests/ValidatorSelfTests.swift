import BedsideModel
import BedsideTestSupport
import Testing
@testable import BedsideHL7

/// The checks the other tests rely on must be able to fail: each mutation of a good message is
/// caught by hl7apy or by our PCD rules.
@Suite("PCD validators catch broken messages")
struct ValidatorSelfTests {
    let good = PCDEncoder(sender: PCDExamples.sender).observationReport(
        controlID: "BB0000000017", created: PCDExamples.at(10, 15, 0), device: PCDExamples.monitor,
        patient: PCDExamples.patient, observationTime: PCDExamples.at(10, 15, 0), numerics: PCDExamples.e1Numerics)

    @Test("hl7apy strict rejects structural damage")
    func hl7apyCatches() throws {
        guard HL7StrictValidator.available else {
            Issue.record("hl7apy is not installed: run scripts/install-deps")
            return
        }
        let mutations = [
            good.replacingOccurrences(of: "ORU^R01^ORU_R01", with: "ORU^R01"),  // MSH-9 without structure
            good.replacingOccurrences(of: "|BB0000000017|P|", with: "||P|"),  // no MSH-10
            good.replacingOccurrences(of: "\r", with: "\n"),  // LF separators
            good.replacingOccurrences(of: "20250301101500+0000", with: "2025-03-01T10:15:00Z"),
        ]
        let results = try HL7StrictValidator.validate([good] + mutations)
        #expect(results[0] == nil)
        for (i, r) in results.dropFirst().enumerated() { #expect(r != nil, "mutation \(i) passed hl7apy") }
    }

    @Test("our PCD rules reject what hl7apy lets through")
    func rulesCatch() {
        #expect(PCDRules.check(good).isEmpty)
        let mutations = [
            good.replacingOccurrences(of: "|AL|NE|", with: "|NE|NE|"),
            good.replacingOccurrences(of: "6.1.1.1^ISO", with: "6.1.1.9^ISO"),
            good.replacingOccurrences(of: "20250301101205+0000", with: "20250301101205"),  // OBX-14 without zone
            good.replacingOccurrences(of: "|1.1.1.1|", with: "|1.2.1.1|"),  // duplicate and out of order
            good.replacingOccurrences(of: "147842^MDC_ECG_HEART_RATE", with: "147842^MDC_PULS_RATE"),
            good.replacingOccurrences(of: "|1.1.0.0|||||||X", with: "|1.1.0.0|||||||R"),
            good.replacingOccurrences(of: "|72|264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM|", with: "|72||"),
        ]
        for (i, m) in mutations.enumerated() { #expect(!PCDRules.check(m).isEmpty, "mutation \(i) passed the PCD rules") }
    }
}
