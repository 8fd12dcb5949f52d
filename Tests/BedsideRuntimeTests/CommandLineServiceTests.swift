import BedsidePlatform
import BedsideModel
import BedsideTestSupport
import Foundation
import Glibc
import Testing
@testable import BedsideRuntime

/// `bedside run` as a service: signals, capture files, disk full, missing ports, outages,
/// permission messages.
@Suite("bedside command line: service behaviour", .serialized)
struct CommandLineServiceTests {
    static let hasGESimulator = DriverCatalog.registry.simulators.contains { $0.driverName == "ge-datex" }
    static let ready = BedsideTool.available && hasGESimulator

    /// Runs `bedside arguments…`, sends `signal` after `after` seconds, returns what it printed.
    static func run(_ arguments: [String], signal: Int32, after: Double) throws -> BedsideTool.Result {
        let child = try BedsideTool.launch(arguments)
        let pid = child.process.processIdentifier
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: after)
            kill(pid, signal)
        }
        let outData = child.stdout.fileHandleForReading.readToEndRetryingInterrupts()
        child.process.waitUntilExit()
        return BedsideTool.Result(status: child.process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                  stderr: child.collectedStderr())
    }

    /// A GE simulator in its own `bedside simulate` process, for the duration of `body`.
    static func withSimulator<T>(_ body: (String) throws -> T) throws -> T {
        let process = Process()
        process.executableURL = BedsideTool.executable
        process.arguments = ["simulate", "ge-datex", "--log-level", "error"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        let tty = String(decoding: line, as: UTF8.self)
        try #require(tty.hasPrefix("/dev/"), "the simulator printed no tty")
        return try body(tty)
    }

    static func links(_ result: BedsideTool.Result) -> [[String: Any]] {
        result.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "link" }
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bedside-\(getpid())-\(name)").path
    }

    @Test("SIGHUP stops the bridge like SIGTERM: stop request sent, port closed, exit status 0",
          .enabled(if: ready, "needs the built bedside and the GE simulator"))
    func hangupIsAStopRequest() throws {
        let result = try Self.run(["demo", "--device", "ge-datex", "--format", "ndjson"], signal: SIGHUP, after: 2)
        #expect(result.status == 0, "\(result.stderr)")
        let events = Self.links(result).compactMap { $0["event"] as? String }
        #expect(Array(events.suffix(2)) == ["stopped", "closed"], "\(events)")
    }

    @Test("a capture that exists is refused with a message naming --rotate-capture, which writes the next free name",
          .enabled(if: ready, "needs the built bedside and the GE simulator"))
    func existingCapture() throws {
        let path = Self.temporaryPath("existing.bbcap")
        let rotated = Self.temporaryPath("existing-1.bbcap")
        FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: rotated) }
        let refused = try BedsideTool.run(["run", "--port", "/nonexistent", "--driver", "ge-datex", "--capture", path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--rotate-capture"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("append"), "there is no append: the message must not offer one")
        let simulator = try BedsideTool.run(["simulate", "ge-datex", "--capture", path])
        #expect(simulator.status == 1 && simulator.stderr.contains("already exists"), "\(simulator.stderr)")
        #expect(!simulator.stderr.contains("append"), "\(simulator.stderr)")
        #expect(simulator.stdout.isEmpty, "no tty is announced for a simulator that cannot record")
        try Self.withSimulator { tty in
            let result = try BedsideTool.run(["run", "--port", tty, "--driver", "ge-datex", "--capture", path,
                                              "--rotate-capture", "--seconds", "2", "--format", "ndjson"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("capture written to \(rotated)"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        #expect(FileManager.default.fileExists(atPath: rotated))
    }

    @Test("a capture that cannot be completed (file size limit, as on a full disk) ends with status 3, never 'written'",
          .enabled(if: ready, "needs the built bedside and the GE simulator"))
    func captureIncomplete() throws {
        let path = Self.temporaryPath("full.bbcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bedside = try #require(BedsideTool.executable).path
        try Self.withSimulator { tty in
            // SIGXFSZ ignored: a write past the limit fails with EFBIG, as one on a full disk fails with ENOSPC.
            let script = "trap '' XFSZ; ulimit -f 8; exec \"$0\" run --port \"$1\" --driver ge-datex --capture \"$2\" --seconds 4 --format ndjson"
            let result = try BedsideTool.run(["-c", script, bedside, tty, path], executable: URL(fileURLWithPath: "/bin/sh"))
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("is incomplete"), "\(result.stderr)")
            #expect(!result.stderr.contains("capture written"), "\(result.stderr)")
            #expect(!result.lines.isEmpty, "the feed itself keeps going")
        }
    }

    @Test("with --reconnect a port missing at start is waited for, and the outage is one record, not one per attempt",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func missingPortIsWaitedFor() throws {
        // Attempts at 0 s and 2 s (and 4 s): the same outage, so one record.
        let result = try BedsideTool.run(["run", "--port", "/dev/bedside-missing-port", "--driver", "ge-datex",
                                          "--seconds", "4.5", "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let errors = Self.links(result).filter { $0["event"] as? String == "error" }
        #expect(errors.count == 1, "\(result.stdout)")
        #expect((errors.first?["detail"] as? String)?.contains("does not exist") == true)
        let refused = try BedsideTool.run(["run", "--port", "/dev/bedside-missing-port", "--driver", "ge-datex",
                                           "--no-reconnect", "--seconds", "1"])
        #expect(refused.status == 1, "without --reconnect a missing port is an error at once")
    }

    @Test("an outage lasting an hour at one attempt every 2 s gives 12 records (start + a reminder every 5 min)")
    func outageReminders() {
        var reporting = OutageReporting()
        var reports: [OutageReporting.Report] = []
        for attempt in 0..<1800 {
            if let r = reporting.failed("port missing", at: Timestamp(secondsSinceEpoch: Int64(attempt * 2))) { reports.append(r) }
        }
        #expect(reports.count == 12)
        #expect(reports.first == .changed)
        #expect(reports.dropFirst().allSatisfy { $0 == .reminder(since: Timestamp(secondsSinceEpoch: 0)) })
        #expect(reporting.failed("permission denied", at: Timestamp(secondsSinceEpoch: 3601)) == .changed)
        reporting.recovered()
        #expect(reporting.failed("permission denied", at: Timestamp(secondsSinceEpoch: 3602)) == .changed)
    }

    @Test("permission messages say the device's real owner and mode; dialout advice only where the group may open it")
    func permissionMessages() {
        let rootOnly = PermissionDiagnosis.explain(
            path: "/dev/ttyS9", facts: .init(mode: 0o020600, owner: "root", group: "root", userInGroup: false))
        #expect(rootOnly.contains("owner root") && rootOnly.contains("mode 0600") && rootOnly.contains("only root"))
        #expect(!rootOnly.contains("dialout"))
        let dialout = PermissionDiagnosis.explain(
            path: "/dev/ttyUSB0", facts: .init(mode: 0o020660, owner: "root", group: "dialout", userInGroup: false))
        #expect(dialout.contains("usermod -aG dialout"))
        let alreadyMember = PermissionDiagnosis.explain(
            path: "/dev/ttyUSB0", facts: .init(mode: 0o020660, owner: "root", group: "dialout", userInGroup: true))
        #expect(!alreadyMember.contains("usermod") && alreadyMember.contains("log in again"))
    }

    @Test("rotated capture names keep the extension and skip names that exist")
    func rotatedNames() throws {
        #expect(SessionCapture.rotatedName(for: "/var/cap/chair-3.bbcap", index: 2) == "/var/cap/chair-3-2.bbcap")
        #expect(SessionCapture.rotatedName(for: "/var/cap.d/session", index: 1) == "/var/cap.d/session-1")
        let path = Self.temporaryPath("rotate.bbcap")
        #expect(SessionCapture.firstFreeName(for: path) == path)
        FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(SessionCapture.firstFreeName(for: path) == SessionCapture.rotatedName(for: path, index: 1))
    }
}
