import BedsideTestSupport
import Foundation

/// Validates feed lines against docs/feed-schema.json with an independent implementation
/// (Python's `jsonschema`, installed by scripts/install-deps).
enum SchemaValidator {
    struct Result { var checked: Int; var failures: [String] }

    static func validate(lines: [String], schema: URL) throws -> Result {
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        n = 0
        for i, line in enumerate(sys.stdin):
            n += 1
            errs = sorted(v.iter_errors(json.loads(line)), key=str)
            if errs: print(f"line {i+1}: {errs[0].message}")
        print(f"checked {n}")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schema.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, let last = text.last, last.hasPrefix("checked "), let n = Int(last.dropFirst(8)) else {
            throw ValidatorError.failed(status: process.terminationStatus, output: text.joined(separator: "\n"))
        }
        return Result(checked: n, failures: Array(text.dropLast()))
    }

    enum ValidatorError: Error { case failed(status: Int32, output: String) }
}
