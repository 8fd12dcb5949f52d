import BedsidePlatform
import BedsideTestSupport
import Foundation
@testable import BedsideRuntime

/// Runs the built `bedside` executable as a subprocess.
enum BedsideTool {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `bedside` next to the test bundle (`.build/<triple>/debug/`), else `.build/debug/bedside`.
    static var executable: URL? {
        var candidates: [URL] = []
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        for _ in 0..<3 {
            candidates.append(dir.appendingPathComponent("bedside"))
            dir = dir.deletingLastPathComponent()
        }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("bedside"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/bedside"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static var available: Bool { executable != nil }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [Substring] { stdout.split(separator: "\n") }
    }

    /// A started `bedside` with its stdout and stderr on pipes; stderr is drained on a thread from
    /// the start (``collectedStderr``), so a chatty child never blocks on a full pipe.
    struct Launched {
        let process: Process
        let stdout: Pipe
        let stderrData: Locked<Data>
        let stderrReader: Thread

        /// Everything the child wrote on stderr, once it has closed it.
        func collectedStderr() -> String {
            while stderrReader.isExecuting || !stderrReader.isFinished { usleep(1000) }
            return String(decoding: stderrData.withLock { $0 }, as: UTF8.self)
        }
    }

    /// Starts `bedside arguments…`; `configure` may set stdin before it starts.
    static func launch(_ arguments: [String], configure: (Process) -> Void = { _ in }) throws -> Launched {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        configure(process)
        try process.run()
        let errData = Locked(Data())
        let reader = Thread { errData.withLock { $0 = err.fileHandleForReading.readToEndRetryingInterrupts() } }
        reader.start()
        return Launched(process: process, stdout: out, stderrData: errData, stderrReader: reader)
    }

    /// Runs `bedside arguments…` (or `executable arguments…`) to completion; with `interruptAfter`, sends SIGINT (Ctrl-C) after
    /// that many seconds.
    static func run(_ arguments: [String], interruptAfter: Double? = nil, executable other: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = other ?? executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = Locked(Data())
        let errReader = Thread { errData.withLock { $0 = err.fileHandleForReading.readToEndRetryingInterrupts() } }
        errReader.start()
        if let interruptAfter {
            let child = process
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: interruptAfter)
                if child.isRunning { child.interrupt() }
            }
        }
        let outData = out.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }
}

/// The shared folder of real captures: `$BEDSIDE_SHARED`, else `<package root>/../shared`.
enum SharedData {
    static var folder: URL {
        if let env = ProcessInfo.processInfo.environment["BEDSIDE_SHARED"] { return URL(fileURLWithPath: env) }
        return BedsideTool.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func capture(_ relative: String) -> URL { folder.appendingPathComponent("captures/" + relative) }

    static var available: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("captures").path) }
}

/// Checks feed lines against docs/feed-schema.json with Python's `jsonschema` (installed by
/// scripts/install-deps), an implementation independent of ours.
enum FeedSchemaCheck {
    static var available: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import jsonschema"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// The messages of the lines that do not validate (empty when all do).
    static func violations(in lines: [Substring]) throws -> [String] {
        let schema = BedsideTool.packageRoot.appendingPathComponent("docs/feed-schema.json").path
        let script = """
            import json, sys, jsonschema
            v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])), format_checker=jsonschema.FormatChecker())
            for n, line in enumerate(sys.stdin, 1):
                for e in sorted(v.iter_errors(json.loads(line)), key=str)[:1]:
                    print(f"line {n}: {e.message}")
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, schema]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readToEndRetryingInterrupts()
        p.waitUntilExit()
        let messages = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        if p.terminationStatus != 0 { return ["validator exited with \(p.terminationStatus)"] + messages }
        return messages
    }
}
