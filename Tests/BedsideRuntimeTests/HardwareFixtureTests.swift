import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import BedsideRuntime

/// The regression suite over HardwareFixtures/: every recorded session (`*.bbcap`, simulator or
/// real device) replays offline with the driver its header names, the driver sends exactly what
/// the recorded bridge sent, and the feed equals `<name>.expected.ndjson` line by line.
/// Re-bless with scripts/update-fixtures (see HardwareFixtures/README.md).
@Suite("hardware fixtures", .serialized)
struct HardwareFixtureTests {
    static let folder = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures")

    /// Every `.bbcap` under HardwareFixtures/, relative to it, sorted.
    static let captures: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".bbcap") }.sorted()
    }()

    @Test("there is a recorded session for every driver with a simulator")
    func everyDriverHasAFixture() throws {
        var drivers = Set<String>()
        for name in Self.captures {
            let reader = try CaptureReader(path: Self.folder.appendingPathComponent(name).path)
            if let d = reader.header.driver { drivers.insert(d) }
        }
        let simulated = Set(DriverCatalog.registry.simulators.map { $0.driverName })
        #expect(simulated.isSubset(of: drivers), "no fixture for \(simulated.subtracting(drivers).sorted())")
    }

    @Test("offline replay with the header's driver: transmissions as recorded, readings as expected",
          arguments: captures)
    func replaysAsRecorded(name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let reader = try CaptureReader(path: path)
        let driverName = try #require(reader.header.driver, "\(name) does not name its driver")
        // Supervised, as `bedside replay` (which wrote the expected file) runs it: the ledger's
        // marks and snapshots are part of the feed.
        let driver = try DriverCatalog.registry.makeDriver(named: driverName, configuration: DriverConfiguration())
        let report = try Self.replay(driver, reader)
        #expect(report.readerWarnings.isEmpty, "\(report.readerWarnings)")
        if report.recordedTransmitBytes == 0 {
            // A listen-only device (an oximeter that only talks): the recording holds nothing the
            // bridge sent, and the driver, transmitting enabled, must send nothing either.
            #expect(report.driverTransmitBytes == 0, "\(name) holds no tx chunks but the driver transmits: record the bridge's side too")
        } else {
            let check = try #require(report.transmitCheck, "\(name): no transmit check")
            #expect(check.isClean, "\(name): \(check.mismatches.first.map { "\($0)" } ?? "bytes missing or extra")")
            #expect(check.matchedBytes > 0)
        }
        let expected = try Self.expectedLines(for: name)
        #expect(report.observations == expected.count, "\(name): observation count differs from its .expected.ndjson")
    }

    @Test("`bedside replay <name>.bbcap --format ndjson` prints <name>.expected.ndjson",
          .enabled(if: BedsideTool.available, "build the bedside product first"), arguments: captures)
    func commandLineOutputMatches(name: String) throws {
        let result = try BedsideTool.run(["replay", Self.folder.appendingPathComponent(name).path, "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("0 differ, 0 recorded but not sent, 0 sent but not recorded")
                    || result.stderr.contains("transmit check: none (the recording holds nothing the bridge sent"), "\(result.stderr)")
        let actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let expected = try Self.expectedLines(for: name)
        if let i = zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("""
                \(name): line \(i + 1) differs from \(Self.expectedName(name))
                  expected: \(expected[i])
                  actual:   \(actual[i])
                (if the change is intended, re-bless with scripts/update-fixtures)
                """)
        } else {
            #expect(actual.count == expected.count,
                    "\(name): \(actual.count) lines, \(Self.expectedName(name)) has \(expected.count)")
        }
    }

    static func expectedName(_ name: String) -> String { String(name.dropLast(".bbcap".count)) + ".expected.ndjson" }

    static func expectedLines(for name: String) throws -> [String] {
        let url = folder.appendingPathComponent(expectedName(name))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    static func replay<Driver: DeviceDriver>(_ driver: Driver, _ reader: CaptureReader) throws -> OfflineReplayReport {
        var replay = OfflineReplay(driver: driver, startTime: reader.header.startTime)
        try replay.run(reader)
        return replay.finish()
    }
}
