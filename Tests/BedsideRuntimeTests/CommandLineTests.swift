import Foundation
import Testing
@testable import BedsideRuntime

/// The built `bedside` executable, run as a user would.
@Suite("bedside command line", .serialized)
struct CommandLineTests {
    static let hasDemoDevices = ["ge-datex", "intellivue"].allSatisfy { name in
        DriverCatalog.registry.simulators.contains { $0.driverName == name }
    }

    static let requiredKeys = ["schemaVersion", "seq", "kind", "device", "hostTime"]

    /// Parses NDJSON output, checking every line is one JSON object with the feed's required keys.
    static func parseFeed(_ lines: [Substring]) throws -> [[String: Any]] {
        try lines.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                                      "not a JSON object: \(line)")
            for key in requiredKeys { #expect(object[key] != nil, "missing \(key) in \(line)") }
            let device = try #require(object["device"] as? [String: Any])
            #expect(device["driver"] is String && device["vendor"] is String)
            if object["kind"] as? String == "numeric" {
                for key in ["metric", "value", "unit", "state", "deviceTime", "vendorCode"] {
                    #expect(object.keys.contains(key), "numeric record without \(key): \(line)")
                }
            }
            return object
        }
    }

    @Test("drivers lists every registered driver", .enabled(if: BedsideTool.available, "build the bedside product first"))
    func drivers() throws {
        let result = try BedsideTool.run(["drivers"])
        if DriverCatalog.registry.drivers.isEmpty {
            #expect(result.status != 0)
            return
        }
        #expect(result.status == 0, "\(result.stderr)")
        for name in DriverCatalog.registry.names { #expect(result.stdout.contains(name)) }
    }

    @Test("an unknown driver is one clear error line and a non-zero exit",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func unknownDriver() throws {
        let result = try BedsideTool.run(["run", "--port", "/dev/null", "--driver", "no-such-driver"])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("no driver named 'no-such-driver'") == true)
    }

    @Test("demo --seconds 3 --format ndjson prints the feed of every simulated device at its chair and exits 0",
          .enabled(if: BedsideTool.available && hasDemoDevices, "needs the built bedside and both demo simulators"))
    func demoNDJSON() throws {
        let result = try BedsideTool.run(["demo", "--seconds", "3", "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try Self.parseFeed(result.lines)
        if FeedSchemaCheck.available {
            #expect(try FeedSchemaCheck.violations(in: result.lines) == [])
        }
        let seqs = records.compactMap { $0["seq"] as? Int }
        #expect(seqs.count == records.count)
        #expect(seqs == Array(seqs.sorted()) && Set(seqs).count == seqs.count, "seq must strictly increase")
        #expect(seqs.first == 1)
        let drivers = Set(records.compactMap { ($0["device"] as? [String: Any])?["driver"] as? String })
        let placements = DemoLayout.placement(of: DemoLayout.defaultDevices)
        #expect(drivers == Set(placements.map(\.driver)))
        #expect(drivers.isSuperset(of: ["ge-datex", "intellivue"]))
        let locations = Set(records.compactMap { ($0["device"] as? [String: Any])?["location"] as? String })
        #expect(locations == Set(placements.map(\.chair)))
        for record in records {
            let device = record["device"] as? [String: Any]
            let placed = placements.first { $0.driver == device?["driver"] as? String }
            #expect(device?["location"] as? String == placed?.chair)
        }
        for driver in drivers {
            let numerics = records.filter {
                $0["kind"] as? String == "numeric" && ($0["device"] as? [String: Any])?["driver"] as? String == driver
            }
            #expect(!numerics.isEmpty, "no numeric readings from \(driver)")
            // The IntelliVue simulator raises the protocol's demo flag, so its values are `demo`;
            // the GE protocol has no such flag, so its values are valid measurements of a simulator.
            let measured = numerics.filter { ["valid", "demo"].contains($0["state"] as? String) }
            #expect(!measured.isEmpty, "no measured readings from \(driver)")
            #expect(measured.allSatisfy { $0["unit"] is String && $0["value"] is NSNumber }, "readings need value and unit")
            if driver == "intellivue" {
                #expect(!numerics.contains { $0["state"] as? String == "valid" }, "a simulator's value passed as valid")
            }
        }
        #expect(records.allSatisfy { $0["simulated"] as? Bool == true }, "every demo record is marked simulated")
        // Clean stop: each port says it stopped and closed.
        let closed = records.filter { $0["kind"] as? String == "link" && $0["event"] as? String == "closed" }
        #expect(closed.count == placements.count)
    }

    static let hasGESimulator = DriverCatalog.registry.simulators.contains { $0.driverName == "ge-datex" }

    @Test("Ctrl-C stops the demo cleanly: stop requests sent, ports closed, exit status 0",
          .enabled(if: BedsideTool.available && hasGESimulator, "needs the built bedside and the GE simulator"))
    func interruptIsClean() throws {
        let result = try BedsideTool.run(["demo", "--device", "ge-datex", "--format", "ndjson"], interruptAfter: 2)
        #expect(result.status == 0, "\(result.stderr)")
        let records = try Self.parseFeed(result.lines)
        let links = records.filter { $0["kind"] as? String == "link" }.compactMap { $0["event"] as? String }
        #expect(links.first == "opened")
        #expect(Array(links.suffix(2)) == ["stopped", "closed"])
        #expect(records.contains { $0["kind"] as? String == "numeric" })
    }

    @Test("replay decodes real captures of both monitors into schema-valid NDJSON, deterministically",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"),
          arguments: [("ge-datex-s5/b650-db02-pycollect.raw", "ge-datex"),
                      ("intellivue-mp70/mp70-serial-demo-mode.log", "intellivue")])
    func replayRealCapture(file: String, driver: String) throws {
        let path = SharedData.capture(file).path
        let result = try BedsideTool.run(["replay", path, "--driver", driver, "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try Self.parseFeed(result.lines)
        if FeedSchemaCheck.available {
            #expect(try FeedSchemaCheck.violations(in: result.lines) == [])
        }
        #expect(records.compactMap { $0["seq"] as? Int } == Array(1...records.count))
        let numerics = records.filter { $0["kind"] as? String == "numeric" }
        #expect(numerics.count > 100)
        // Every number carries its unit or says why not; every record names the driver.
        for n in numerics where n["value"] is NSNumber {
            #expect(n["unit"] is String || n["vendorUnit"] is String)
        }
        #expect(records.allSatisfy { ($0["device"] as? [String: Any])?["driver"] as? String == driver })
        // The same file gives the same feed.
        let again = try BedsideTool.run(["replay", path, "--driver", driver, "--format", "ndjson"])
        #expect(again.stdout == result.stdout)
        #expect(result.stderr.contains("replayed"))
    }

    @Test("the demo-mode IntelliVue log is reported as demo data, never as valid",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"))
    func demoModeIsNotValid() throws {
        let path = SharedData.capture("intellivue-mp70/mp70-serial-demo-mode.log").path
        let result = try BedsideTool.run(["replay", path, "--driver", "intellivue", "--format", "ndjson"])
        let records = try Self.parseFeed(result.lines)
        let hr = records.filter { $0["metric"] as? String == "MDC_ECG_HEART_RATE" && $0["value"] is NSNumber }
        #expect(!hr.isEmpty)
        #expect(hr.allSatisfy { $0["state"] as? String == "demo" })
    }
}
