import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import IntelliVue

/// A recorded simulator session (bytes both ways) and the normalized feed it must produce, kept in
/// HardwareFixtures/intellivue/. Set BEDSIDE_WRITE_FIXTURES=1 to regenerate after an intended change.
@Suite struct FixtureTests {
    static let name = "sim-session-seed1"
    static let device = DeviceIdentity(driver: "intellivue", vendor: "Philips", model: "Philips M8000-SIM",
                                       serialNumber: "SIM0000001", softwareVersion: "J.10.26-sim", port: "simulator")

    static func session() -> SessionBench {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 1, scenarioSpeed: 60))
        b.start()
        b.advance(seconds: 10)
        b.stopDriver()
        b.advance(seconds: 1)
        return b
    }

    static func ndjson(_ observations: [Observation]) -> String {
        let writer = FeedJSONWriter()
        return observations.enumerated().map { i, o in
            writer.line(for: FeedRecord(seq: UInt64(i + 1), device: device, observation: o))
        }.joined(separator: "\n") + "\n"
    }

    /// `nanoseconds-since-start <TAB> host|monitor <TAB> hex` per chunk.
    static func tsv(_ b: SessionBench) -> String {
        "# IntelliVue simulator session (seed 1, scenario speed 60): every chunk that crossed the simulated serial line\n"
            + "# time_ns\tfrom\tbytes_hex\n"
            + b.wire.map { "\($0.time.nanoseconds(since: t(0)))\t\($0.from == .host ? "host" : "monitor")\t\($0.bytes.map { String(format: "%02x", $0) }.joined())" }
            .joined(separator: "\n") + "\n"
    }

    static func readTSV(_ text: String) -> [(Int64, String, [UInt8])] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let c = line.split(separator: "\t")
            let hex = Array(c[2])
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0..<$0 + 2]), radix: 16)! }
            return (Int64(c[0])!, String(c[1]), bytes)
        }
    }

    @Test func sessionMatchesTheFixtures() throws {
        let b = Self.session()
        let feed = Self.ndjson(b.run.observations)
        let wire = Self.tsv(b)
        let feedURL = Fixtures.folder.appendingPathComponent("\(Self.name).ndjson")
        let wireURL = Fixtures.folder.appendingPathComponent("\(Self.name).tsv")
        if ProcessInfo.processInfo.environment["BEDSIDE_WRITE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: Fixtures.folder, withIntermediateDirectories: true)
            try feed.write(to: feedURL, atomically: true, encoding: .utf8)
            try wire.write(to: wireURL, atomically: true, encoding: .utf8)
        }
        let expectedFeed = try String(contentsOf: feedURL, encoding: .utf8)
        let expectedWire = try String(contentsOf: wireURL, encoding: .utf8)
        #expect(wire == expectedWire)
        #expect(feed == expectedFeed)
        #expect(feed.contains(#""metric":"MDC_ECG_HEART_RATE""#))
        #expect(feed.contains(#""kind":"waveform""#))
    }

    /// The monitor's side of the recorded session, replayed into a listen-only driver, gives the
    /// same readings as the live session.
    @Test func recordedMonitorBytesReplayToTheSameReadings() throws {
        let text = try String(contentsOf: Fixtures.folder.appendingPathComponent("\(Self.name).tsv"), encoding: .utf8)
        var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var run = DriverRun()
        var out = DriverOutput()
        driver.start(now: t(0), into: &out)
        run.absorb(&out)
        for (ns, from, bytes) in Self.readTSV(text) where from == "monitor" {
            // Bytes reach the host 1 ms after the monitor sent them.
            driver.receive(bytes, now: t(0).adding(nanoseconds: ns + 1_000_000), into: &out)
            run.absorb(&out)
        }
        let live = Self.session().run
        #expect(run.numerics == live.numerics)
        #expect(run.waves == live.waves)
        #expect(run.alarms == live.alarms)
        #expect(run.transmitted.isEmpty)
    }
}
