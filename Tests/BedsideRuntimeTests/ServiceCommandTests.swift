import Foundation
import Testing

extension CommissioningCLI {
    /// `bedside run --config` with several bindings at once: simulators on pseudo-terminals, bound by
    /// device path (udev does not list ptys), each port in its own pipeline, stopped by a signal.
    @Suite("bedside run --config", .serialized)
    struct ServiceCommandTests {
        static func write(_ text: String) throws -> String {
            let path = CaptureCommandTests.temporaryPath("bedside.yaml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test("two devices run side by side; Ctrl-C sends each its stop request and exits 0",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func manyPorts() throws {
            let (ge, geTTY) = try CaptureCommandTests.startSimulator("ge-datex")
            defer { ge.interrupt(); ge.waitUntilExit() }
            let (philips, philipsTTY) = try CaptureCommandTests.startSimulator("intellivue")
            defer { philips.interrupt(); philips.waitUntilExit() }
            let config = try Self.write("""
                ports:
                  - device: \(geTTY)
                    driver: ge-datex
                    location: chair-1
                    simulated: true
                  - device: \(philipsTTY)
                    driver: intellivue
                    location: chair-2
                    simulated: true
                """)
            defer { try? FileManager.default.removeItem(atPath: config) }

            let result = try BedsideTool.run(["run", "--config", config, "--format", "ndjson"], interruptAfter: 6)
            #expect(result.status == 0, "\(result.stderr)")
            let records = try CommandLineTests.parseFeed(result.lines)
            for (location, port, stopDetail) in [("chair-1", geTTY, "stop requests sent"), ("chair-2", philipsTTY, "release request sent to the monitor")] {
                let mine = records.filter { ($0["device"] as? [String: Any])?["location"] as? String == location }
                let events = mine.filter { $0["kind"] as? String == "link" }.map { $0["event"] as? String ?? "" }
                #expect(events.first == "opened", "\(location): \(events)")
                #expect(events.contains("connected"), "\(location): \(events)")
                #expect(events.suffix(2) == ["stopped", "closed"], "\(location): \(events)")
                #expect(mine.contains { $0["kind"] as? String == "link" && $0["detail"] as? String == stopDetail })
                #expect(mine.allSatisfy { ($0["device"] as? [String: Any])?["port"] as? String == port })
                #expect(mine.allSatisfy { $0["simulated"] as? Bool == true }, "a simulator binding marks every record")
                #expect(mine.contains { $0["kind"] as? String == "numeric" && $0["value"] is NSNumber })
            }
        }

        @Test("a configuration with problems is refused before anything opens, every problem named by line",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func refusedConfiguration() throws {
            let config = try Self.write("""
                ports:
                  - device: /dev/null
                    driver: nosuch
                    location: chair-1
                mqtt:
                  - host: 127.0.0.1
                """)
            defer { try? FileManager.default.removeItem(atPath: config) }
            let result = try BedsideTool.run(["run", "--config", config])
            #expect(result.status == 64)
            #expect(result.stderr.contains("\(config):3: there is no driver named 'nosuch'"))
            #expect(result.stderr.contains("\(config):5: unknown section 'mqtt'"))
            #expect(result.stdout.isEmpty)
        }

        @Test("--config with --port is refused as a usage error; run --port --driver still works without it",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func usage() throws {
            let both = try BedsideTool.run(["run", "--config", "x.yaml", "--port", "/dev/null", "--driver", "ge-datex"])
            #expect(both.status == 64)
            #expect(both.stderr.contains("--port, --driver belong to a single port"))
            let neither = try BedsideTool.run(["run"])
            #expect(neither.status == 64)
            #expect(neither.stderr.contains("--port"))
        }

        @Test("watch CHAIR finds the chair's binding, drives its port and shows readings and link statistics",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func watchByLocation() throws {
            let (ge, tty) = try CaptureCommandTests.startSimulator("ge-datex")
            defer { ge.interrupt(); ge.waitUntilExit() }
            let config = try Self.write("ports:\n  - { device: \(tty), driver: ge-datex, location: chair-4, simulated: true }\n")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let result = try BedsideTool.run(["watch", "chair-4", "--config", config, "--seconds", "3"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.lines.map(String.init)
            #expect(lines.first?.hasPrefix("bedside watch chair-4") == true)
            #expect(lines.contains { $0.hasPrefix("chair-4  ge-datex  \(tty)") && $0.contains("SIMULATED") })
            let stats = try #require(lines.first { $0.hasPrefix("  link   ") })
            let frames = stats.split(separator: " ").split(separator: "frames").dropFirst().first?.first.flatMap { Int($0) }
            #expect((frames ?? 0) > 0, "\(stats)")
            #expect(stats.contains("checksum errors 0"))
            #expect(lines.contains { $0.contains("MDC_PULS_RATE") || $0.contains("MDC_ECG_HEART_RATE") })

            let unknown = try BedsideTool.run(["watch", "chair-9", "--config", config, "--seconds", "1"])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("locations: chair-4"))
        }

        @Test("verify signs off a device: PASS per metric, exit 0, report saved; a wrong expectation is FAIL with exit 1",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func verify() throws {
            let (ge, tty) = try CaptureCommandTests.startSimulator("ge-datex")
            defer { ge.interrupt(); ge.waitUntilExit() }
            // The GE simulator's patient: HR 71, SpO2 about 96.9 %, respiration 14.
            let good = try Self.write("seconds: 6\nexpect:\n  - { metric: MDC_ECG_HEART_RATE, value: 71, tolerance: 2, unit: /min }\n"
                                      + "  - { metric: MDC_PULS_OXIM_SAT_O2, value: 97, tolerance: 1 }\n")
            let bad = try Self.write("seconds: 6\nexpect:\n  - { metric: MDC_ECG_HEART_RATE, value: 71, tolerance: 2 }\n"
                                     + "  - { metric: MDC_TTHOR_RESP_RATE, value: 20, tolerance: 2 }\n")
            let report = CaptureCommandTests.temporaryPath("report.txt")
            defer { [good, bad, report].forEach { try? FileManager.default.removeItem(atPath: $0) } }

            let pass = try BedsideTool.run(["verify", tty, "--driver", "ge-datex", "--expect", good, "--report", report])
            #expect(pass.status == 0, "\(pass.stdout)\n\(pass.stderr)")
            #expect(pass.lines.contains { $0.hasPrefix("PASS  MDC_ECG_HEART_RATE") && $0.contains(" got 7") })
            #expect(pass.lines.contains { $0.hasPrefix("PASS  MDC_PULS_OXIM_SAT_O2") })
            #expect(pass.lines.last == "result: PASS (2 of 2 metrics)")
            #expect(try String(contentsOfFile: report, encoding: .utf8) == pass.stdout)

            let fail = try BedsideTool.run(["verify", tty, "--driver", "ge-datex", "--expect", bad])
            #expect(fail.status == 1)
            #expect(fail.lines.contains { $0.hasPrefix("FAIL  MDC_TTHOR_RESP_RATE") && $0.contains("outside 18…22: 14") })
            #expect(fail.lines.last == "result: FAIL (1 of 2 metrics failed)")

            let again = try BedsideTool.run(["verify", tty, "--driver", "ge-datex", "--expect", good, "--report", report])
            #expect(again.status == 64, "an existing report is never overwritten")
        }
    }
}
