import BedsideConfig
import BedsideRuntime
import Foundation
import Testing

extension CommissioningCLI {
    /// The files in dist/: the example configuration is one the bridge accepts, and the systemd unit
    /// passes systemd's own checker.
    @Suite("dist files")
    struct DistFilesTests {
        static let dist = BedsideTool.packageRoot.appendingPathComponent("dist")

        @Test("the example configuration parses and binds by every kind of rule")
        func exampleConfiguration() throws {
            let config = try ConfigurationLoader.load(path: Self.dist.appendingPathComponent("bedside.yaml").path,
                                                      registry: DriverCatalog.registry)
            #expect(config.ports.map(\.location) == ["chair-1", "chair-2", "chair-3", "chair-4"])
            #expect(config.bridge.timeZone == "Europe/Berlin")
        }

        static let analyzer = "/usr/bin/systemd-analyze"

        @Test("systemd-analyze verify accepts the unit",
              .enabled(if: BedsideTool.available && FileManager.default.isExecutableFile(atPath: analyzer), "needs systemd-analyze"))
        func unit() throws {
            let text = try String(contentsOf: Self.dist.appendingPathComponent("bedside.service"), encoding: .utf8)
            #expect(text.contains("ExecStart=/usr/local/bin/bedside run --config /etc/bedside/bedside.yaml"))
            #expect(text.contains("SupplementaryGroups=dialout"))
            #expect(text.contains("Restart=on-failure"))
            // The checker wants the binaries to exist: point them at the built one.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-unit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let unit = dir.appendingPathComponent("bedside.service")
            try text.replacingOccurrences(of: "/usr/local/bin/bedside", with: BedsideTool.executable!.path)
                .write(to: unit, atomically: true, encoding: .utf8)
            let result = try BedsideTool.run(["verify", unit.path], executable: URL(fileURLWithPath: Self.analyzer))
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(!result.stderr.contains("Unknown key"), "\(result.stderr)")
        }
    }
}
