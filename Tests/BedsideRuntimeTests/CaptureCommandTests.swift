import BedsideCapture
import Foundation
import Testing

/// `bedside capture` on a simulator's pty, stopped with Ctrl-C, then `bedside replay` of the file.
@Suite("capture and replay on the command line", .serialized)
struct CaptureCommandTests {
    /// Starts `bedside simulate DRIVER` and returns it with the tty path it printed.
    static func startSimulator(_ driver: String, extra: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = BedsideTool.executable
        process.arguments = ["simulate", driver] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += byte
        }
        let path = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process, path)
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bedside-\(UUID().uuidString)-\(name)").path
    }

    @Test("Ctrl-C completes the capture: it replays with every byte the bridge sent, stop request included",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func interruptedCaptureReplaysCleanly() throws {
        let (simulator, tty) = try Self.startSimulator("intellivue")
        defer { simulator.interrupt(); simulator.waitUntilExit() }
        #expect(tty.hasPrefix("/dev/"))
        let file = Self.temporaryPath("session.bbcap")
        defer { try? FileManager.default.removeItem(atPath: file) }

        let captured = try BedsideTool.run(["capture", "--port", tty, "--driver", "intellivue", "--output", file,
                                            "--format", "ndjson", "--no-reconnect"], interruptAfter: 2.5)
        #expect(captured.status == 0, "\(captured.stderr)")
        #expect(captured.stderr.contains("capture written to \(file)"))

        let read = try CaptureReader.readAll(path: file)
        #expect(read.warnings.isEmpty, "the capture was not completed: \(read.warnings)")
        #expect(read.capture.header.driver == "intellivue")
        #expect(read.capture.header.port == tty)
        #expect(read.capture.header.serialSettings?.baudRate == 115_200)
        #expect(read.capture.header.device?.vendor == "Philips")
        #expect(read.capture.chunks.contains { $0.direction == .tx })
        #expect(read.capture.chunks.contains { $0.direction == .rx })
        #expect(zip(read.capture.chunks, read.capture.chunks.dropFirst()).allSatisfy { $0.time <= $1.time })

        // --driver may be left out: the header names it.
        let replayed = try BedsideTool.run(["replay", file, "--format", "ndjson"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stderr.contains(" 0 differ, 0 recorded but not sent, 0 sent but not recorded"), "\(replayed.stderr)")
        let records = try CommandLineTests.parseFeed(replayed.lines)
        // Values were decoded from the recorded bytes. The simulator's are simulated data: a 2.0
        // IntelliVue driver reports them `demo` (as a monitor in demo mode says), never `valid`
        // for a patient; either way each carries a number.
        #expect(records.contains {
            $0["kind"] as? String == "numeric" && $0["value"] != nil
                && ["valid", "demo"].contains($0["state"] as? String ?? "")
        })
        // The stop request was recorded: the replayed driver's last link event is the release.
        #expect(records.last { $0["kind"] as? String == "link" }?["event"] as? String == "stopped")
    }

    @Test("a --driver that contradicts the capture's header is an error that says so",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func driverMismatch() throws {
        let fixture = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/ge-datex/sim-pty-seed1.bbcap").path
        let result = try BedsideTool.run(["replay", fixture, "--driver", "intellivue", "--format", "ndjson"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--driver intellivue does not match the capture's header, which names ge-datex"))
    }

    @Test("a raw dump needs --driver, and says so",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func rawDumpNeedsDriver() throws {
        let file = Self.temporaryPath("dump.raw")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data([0x7E, 0x31, 0x00, 0x7E]).write(to: URL(fileURLWithPath: file))
        let result = try BedsideTool.run(["replay", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("raw byte dump") && result.stderr.contains("--driver"))
    }

    @Test("a transmit mismatch fails the replay with a clear message",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func transmitMismatchFails() throws {
        // The GE fixture was recorded with the default interval; another one changes the request.
        let fixture = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/ge-datex/sim-pty-seed1.bbcap").path
        let result = try BedsideTool.run(["replay", fixture, "--interval", "1", "--format", "ndjson"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("did not send what the recorded bridge sent"))
        #expect(result.stderr.contains("tx offset"))
    }
}
