import BedsidePlatform
import Foundation
import Testing
@testable import BedsideRuntime

/// Every command ends the same way for the same situation (docs/reliability.md, exit statuses).
@Suite("bedside command line: exit statuses", .serialized)
struct CommandLineExitStatusTests {
    /// Runs `bedside arguments…`, reads one byte of its stdout and closes the pipe, as `| head -c 1` does.
    static func statusAfterReaderCloses(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let child = try BedsideTool.launch(arguments)
        _ = child.stdout.fileHandleForReading.readData(ofLength: 1)
        try child.stdout.fileHandleForReading.close()
        child.process.waitUntilExit()
        return (child.process.terminationStatus, child.collectedStderr())
    }

    static let hasGESimulator = DriverCatalog.registry.simulators.contains { $0.driverName == "ge-datex" }

    @Test("a reader that closes stdout ends the live demo with status 0",
          .enabled(if: BedsideTool.available && hasGESimulator, "needs the built bedside and the GE simulator"))
    func closedPipeLive() throws {
        let result = try Self.statusAfterReaderCloses(["demo", "--device", "ge-datex", "--format", "ndjson", "--seconds", "30"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a reader that closes stdout ends a replay with status 0 too (it was 1 before)",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"))
    func closedPipeReplay() throws {
        let capture = SharedData.capture("ge-datex-s5/b650-db02-pycollect.raw").path
        let result = try Self.statusAfterReaderCloses(["replay", capture, "--driver", "ge-datex", "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("bedside:"), "no error line for a reader that had enough: \(result.stderr)")
    }

    @Test("an empty recording is an error naming the file, for every command that reads one",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func emptyInput() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-empty-\(getpid()).raw").path
        FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-empty-\(getpid()).script").path
        for arguments in [["play", path, "--driver", "ge-datex"],
                          ["export-umockdev", path, "--driver", "ge-datex", "-o", script],
                          ["bench", path, "--latency-seconds", "0", "--devices", "0"]] {
            let result = try BedsideTool.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\(path) is empty"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: script), "nothing is written from an empty input")
    }

    @Test("a capture with only its header replays to nothing and is refused by play with the reason",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func headerOnlyCapture() throws {
        let fixture = try Data(contentsOf: BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/ge-datex/sim-pty-seed1.bbcap"))
        // magic (8) + version (2) + header length (u32 LE) + header + CRC-32: everything before the first record.
        let headerLength = Int(fixture[10]) | Int(fixture[11]) << 8 | Int(fixture[12]) << 16 | Int(fixture[13]) << 24
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("header-only-\(getpid()).bbcap").path
        try fixture.prefix(14 + headerLength + 4).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let replay = try BedsideTool.run(["replay", path, "--format", "ndjson"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("0 chunks"))
        let play = try BedsideTool.run(["play", path, "--fast"])
        #expect(play.status == 1)
        #expect(play.stderr.contains("nothing to play") && !play.stderr.contains("import"), "\(play.stderr)")
    }
}
