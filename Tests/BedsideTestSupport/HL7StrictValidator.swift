import Foundation

/// Validates HL7 v2 messages with PyPI `hl7apy` in STRICT mode (structure, required fields,
/// data-type formats, HL7 2.6) — a parser that is not ours. Installed by scripts/install-deps.
///
/// hl7apy has no `ORU_R40` structure in any version, so PCD-04 messages are checked with MSH-9.3
/// read as `ORU_R01` (same segments and groups), as the PCD study recommends.
public enum HL7StrictValidator {
    static let script = #"""
import sys, json
from hl7apy.parser import parse_message
from hl7apy.consts import VALIDATION_LEVEL
messages = json.load(sys.stdin)
results = []
for m in messages:
    m = m.replace("|ORU^R40^ORU_R40|", "|ORU^R40^ORU_R01|", 1)
    try:
        msg = parse_message(m, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
        msg.validate()
        results.append(None)
    except Exception as e:
        results.append("%s: %s" % (type(e).__name__, e))
print(json.dumps(results))
"""#

    public static var available: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import hl7apy"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// One entry per message: `nil` when valid, else hl7apy's complaint.
    public static func validate(_ messages: [String]) throws -> [String?] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let payload = try JSONSerialization.data(withJSONObject: messages)
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let results = try JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw ValidatorFailure(text: "hl7apy validator failed (status \(p.terminationStatus)): " + String(decoding: data, as: UTF8.self))
        }
        return results.map { $0 as? String }
    }

    public struct ValidatorFailure: Error, CustomStringConvertible {
        public var text: String
        public var description: String { text }
    }
}
