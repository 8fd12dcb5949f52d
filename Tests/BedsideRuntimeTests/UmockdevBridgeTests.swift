import Foundation
import Testing

/// A recorded session exported with `bedside export-umockdev` and played by real `umockdev-run`
/// (with the FTDI adapter description) to the real bridge, `bedside run` on /dev/ttyUSB0: the
/// device side comes from the script, and umockdev checks every byte the bridge writes against the
/// recorded ones (it aborts the run on a difference), so the bridge must yield readings and exit 0.
@Suite("bridge under umockdev", .serialized)
struct UmockdevBridgeTests {
    static let umockdevRun = "/usr/bin/umockdev-run"
    static var available: Bool { BedsideTool.available && FileManager.default.isExecutableFile(atPath: umockdevRun) }
    static let description = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/udev/ftdi-ft232r.umockdev").path

    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var driver: String
        var rxOnly: Bool
        var testDescription: String { "\(fixture)\(rxOnly ? " (rx only, bridge listen-only)" : "")" }
    }

    @Test("the bridge reads the exported session as a USB serial adapter",
          .enabled(if: available, "needs the built bedside and umockdev-run (apt install umockdev)"),
          arguments: [
              Case(fixture: "ge-datex/sim-pty-seed1.bbcap", driver: "ge-datex", rxOnly: false),
              Case(fixture: "intellivue/sim-pty-seed1.bbcap", driver: "intellivue", rxOnly: false),
              Case(fixture: "ge-datex/sim-pty-seed1.bbcap", driver: "ge-datex", rxOnly: true),
          ])
    func bridgeUnderUmockdev(_ c: Case) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-umockdev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("session.script").path
        let capture = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/" + c.fixture).path

        let export = try BedsideTool.run(["export-umockdev", capture, "-o", script, "--speed", "10"]
            + (c.rxOnly ? ["--rx-only"] : []))
        #expect(export.status == 0, "\(export.stderr)")
        // The printed command line is the one this test runs.
        let printed = try #require(export.lines.first.map(String.init))
        #expect(printed.hasPrefix("umockdev-run -d "))
        #expect(printed.contains("-s /dev/ttyUSB0=\(script) -- bedside run --port /dev/ttyUSB0 --driver \(c.driver)"))
        #expect(printed.contains("--listen-only") == c.rxOnly)

        let bridge = ["--", BedsideTool.executable!.path, "run", "--port", "/dev/ttyUSB0", "--driver", c.driver,
                      "--no-exclusive", "--no-reconnect", "--seconds", "3", "--format", "ndjson"]
            + (c.rxOnly ? ["--listen-only"] : [])
        let result = try BedsideTool.run(["-d", Self.description, "-s", "/dev/ttyUSB0=" + script] + bridge,
                                         executable: URL(fileURLWithPath: Self.umockdevRun))
        #expect(result.status == 0, "umockdev-run or the bridge failed: \(result.stderr.suffix(1500))")
        #expect(!result.stderr.contains("data mismatch"))
        let records = try CommandLineTests.parseFeed(result.lines)
        // Measured values: `valid`, or `demo` where the recorded simulator raised the protocol's demo
        // flag (IntelliVue's does, so its values never pass as a patient's).
        let numerics = records.filter {
            $0["kind"] as? String == "numeric" && ["valid", "demo"].contains($0["state"] as? String) && $0["value"] is NSNumber
        }
        #expect(numerics.count > 10, "measured numerics: \(numerics.count)")
        #expect(records.allSatisfy { ($0["device"] as? [String: Any])?["port"] as? String == "/dev/ttyUSB0" })
    }
}
