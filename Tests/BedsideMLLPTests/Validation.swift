import BedsideTestSupport
import Testing

/// Validates with hl7apy (strict) and our PCD rules; records every problem.
func expectValid(_ messages: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    for m in messages {
        let problems = PCDRules.check(m)
        #expect(problems.isEmpty, "PCD rules: \(problems)\n\(m.replacingOccurrences(of: "\r", with: "\n"))", sourceLocation: sourceLocation)
    }
    guard HL7StrictValidator.available else {
        Issue.record("hl7apy is not installed: run scripts/install-deps", sourceLocation: sourceLocation)
        return
    }
    for (m, result) in zip(messages, try HL7StrictValidator.validate(messages)) {
        #expect(result == nil, "hl7apy: \(result ?? "")\n\(m.replacingOccurrences(of: "\r", with: "\n"))", sourceLocation: sourceLocation)
    }
}
