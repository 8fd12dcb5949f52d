import Foundation
import Testing

extension CommissioningCLI {
    /// `bedside run --config` under a umockdev testbed: HardwareFixtures/udev/testbed.py plugs and
    /// unplugs fake FTDI adapters in one hub socket while the real bridge runs, so udev's add and
    /// remove events reach the bridge's netlink monitor. No udevd is needed.
    @Suite("hotplug under umockdev", .serialized)
    struct HotplugServiceTests {
        static let wrapper = "/usr/bin/umockdev-wrapper"
        static let python = "/usr/bin/python3"
        static let script = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/udev/testbed.py").path

        /// The testbed needs umockdev's GObject bindings for Debian's python3 (scripts/install-deps).
        static var available: Bool {
            guard BedsideTool.available, FileManager.default.isExecutableFile(atPath: wrapper),
                  FileManager.default.isExecutableFile(atPath: python) else { return false }
            let check = try? BedsideTool.run(["-c", "import gi; gi.require_version('UMockdev', '1.0')"],
                                             executable: URL(fileURLWithPath: python))
            return check?.status == 0
        }

        /// Runs a scenario; the report the script wrote.
        static func scenario(_ name: String) throws -> [String: Any] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-hotplug-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let config = dir.appendingPathComponent("bedside.yaml").path
            // Bound by the hub socket; umockdev's ttys refuse TIOCEXCL.
            try """
                bridge:
                  exclusive: false
                  retry-seconds: 0.2
                ports:
                  - path: pci-0000:00:14.0-usb-0:2:1.0
                    driver: ge-datex
                    location: chair-1
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let report = dir.appendingPathComponent("report.json").path
            let result = try BedsideTool.run(
                [python, script, name, report, "--", BedsideTool.executable!.path, "run", "--config", config,
                 "--format", "ndjson", "--log-level", "info"],
                executable: URL(fileURLWithPath: wrapper))
            #expect(result.status == 0, "testbed: \(result.stderr.suffix(2000))")
            let data = try Data(contentsOf: URL(fileURLWithPath: report))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        static func records(_ report: [String: Any]) throws -> [[String: Any]] {
            try (report["feed"] as? [String] ?? []).map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        @Test("unplug ends the session with `disconnected` and stale values; a replacement adapter in the same socket resumes it",
              .enabled(if: available, "needs umockdev-wrapper and gir1.2-umockdev-1.0 with /usr/bin/python3 (scripts/install-deps)"))
        func replug() throws {
            let report = try Self.scenario("replug")
            #expect(report["error"] is NSNull, "\(report["error"] ?? "")\n\((report["log"] as? [String])?.suffix(20).joined(separator: "\n") ?? "")")
            #expect(report["exit"] as? Int == 0, "SIGTERM must end the service cleanly")
            let records = try Self.records(report)
            let links = records.filter { $0["kind"] as? String == "link" }
            func device(_ r: [String: Any]) -> [String: Any] { r["device"] as? [String: Any] ?? [:] }

            #expect(links.map { $0["event"] as? String ?? "" } == [
                "opened", "requesting", "connected", "disconnected", "closed",
                "opened", "requesting", "connected", "stopped", "closed",
            ])
            #expect(links.allSatisfy { device($0)["location"] as? String == "chair-1" })
            #expect(links.prefix(5).allSatisfy { device($0)["port"] as? String == "/dev/ttyUSB0" })
            #expect(links.suffix(5).allSatisfy { device($0)["port"] as? String == "/dev/ttyUSB1" })
            // One chair, one device id across the adapter swap: it derives from the bound socket.
            #expect(Set(records.map { device($0)["portId"] as? String ?? "" }) == ["pci-0000:00:14.0-usb-0:2:1.0"])
            #expect(Set(records.map { device($0)["id"] as? String ?? "" }).count == 1)

            // Between the unplug and the next session, values are only ever re-stated as stale.
            let seqs = links.map { $0["seq"] as? Int ?? 0 }
            let (lost, back) = (seqs[3], seqs[5])
            let between = records.filter { r in
                let s = r["seq"] as? Int ?? 0
                return s > lost && s < back && r["kind"] as? String == "numeric"
            }
            #expect(!between.isEmpty)
            #expect(between.allSatisfy { ["stale", "absent"].contains($0["state"] as? String) })
            #expect(between.contains { $0["state"] as? String == "stale" })
            let measured = records.filter { $0["kind"] as? String == "numeric" && $0["state"] as? String == "valid" }
            #expect(measured.contains { ($0["seq"] as? Int ?? 0) > back }, "the replacement's session delivers values")

            if FeedSchemaCheck.available {
                #expect(try FeedSchemaCheck.violations(in: (report["feed"] as? [String] ?? []).map { Substring($0) }) == [])
            }
        }

        @Test("100 plug/unplug cycles leave no file descriptor, thread or session task behind",
              .enabled(if: available, "needs umockdev-wrapper and gir1.2-umockdev-1.0 with /usr/bin/python3 (scripts/install-deps)"))
        func noLeaks() throws {
            let report = try Self.scenario("cycles:100")
            #expect(report["error"] is NSNull, "\(report["error"] ?? "")")
            #expect(report["exit"] as? Int == 0)
            let first = try #require(report["afterFirst"] as? [String: Int])
            let last = try #require(report["afterLast"] as? [String: Int])
            #expect(last["fds"] == first["fds"], "open descriptors after cycle 1: \(first), after cycle 100: \(last)")
            // The runtime's thread pools may grow by a thread or two under load; one per cycle is a leak.
            #expect((last["threads"] ?? .max) <= (first["threads"] ?? 0) + 4, "threads: \(first) → \(last)")
            let log = report["log"] as? [String] ?? []
            let ended = log.filter { $0.contains("session on /dev/ttyUSB") && $0.contains("ended (sessions running: 0)") }
            #expect(ended.count == 100, "every cycle's session task ended and none was left running")
            #expect(!log.contains { $0.contains("sessions running: 2") }, "never two sessions for one socket")
        }
    }
}
