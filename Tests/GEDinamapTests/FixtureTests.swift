import BedsideCapture
import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Foundation
import Testing
@testable import GEDinamap

/// A DINAMAP session recorded in memory on a virtual clock — the driver with its defaults (a poll
/// every 5 s), the simulator at scenario speed 60, so the hour it covers holds every cuff
/// determination of the script, the cuff error, temperatures, the desaturation and the probe off — kept as HardwareFixtures/ge-dinamap/sim-session-seed1.bbcap.
/// The runtime's fixture suite replays it and checks its `.expected.ndjson`. Set
/// BEDSIDE_WRITE_FIXTURES=1 to write it again after an intended change (then scripts/update-fixtures).
@Suite struct FixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("HardwareFixtures/ge-dinamap")
    static var captureURL: URL { folder.appendingPathComponent("sim-session-seed1.bbcap") }

    static func session() -> DriverSession {
        var s = DriverSession(
            driver: GEDinamapDriver.supervised(configuration: DriverConfiguration()),
            simulator: GEDinamapSimulator(configuration: SimulatorConfiguration(seed: 1, scenarioSpeed: 60)), seed: 1)
        s.run(seconds: 62)
        s.stop()
        return s
    }

    static func capture(_ s: DriverSession) -> Capture {
        let chunks = (s.transmitted.map { CaptureChunk(time: $0.time, direction: .tx, bytes: $0.bytes) }
            + s.delivered.map { CaptureChunk(time: $0.time, direction: .rx, bytes: $0.bytes) })
            .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let header = CaptureHeader(
            driver: "ge-dinamap", serialSettings: GEDinamapDriver.descriptor.defaultSerialSettings, port: "simulator",
            device: DeviceIdentity(driver: "ge-dinamap", vendor: "GE Healthcare", port: "simulator"),
            startTime: VirtualClock.defaultStart,
            note: "GE DINAMAP simulator (seed 1, scenario speed 60) polled with the driver's defaults in memory on a virtual clock; bytes take 1 ms to cross")
        return Capture(header: header, chunks: chunks)
    }

    @Test func sessionMatchesTheFixture() throws {
        let expected = Self.capture(Self.session())
        if ProcessInfo.processInfo.environment["BEDSIDE_WRITE_FIXTURES"] == "1" {
            let writer = try CaptureWriter.create(path: Self.captureURL.path, header: expected.header,
                                                  options: .init(bufferLimit: 1 << 16), overwrite: true)
            for chunk in expected.chunks { try writer.append(chunk) }
            try writer.close()
        }
        let stored = try CaptureReader.readAll(path: Self.captureURL.path)
        #expect(stored.warnings.isEmpty)
        #expect(stored.capture.header == expected.header)
        #expect(stored.capture.chunks == expected.chunks, "the stored session differs from the live one")
    }

    @Test func theRecordedSessionHoldsDeterminations() throws {
        let s = Self.session()
        let sys = s.numerics.filter { $0.metric.vendorCode == "ge-dinamap:NA.sys" && $0.state == .valid && $0.ageNanoseconds == nil }
        #expect(sys.count >= 10)
        #expect(s.numerics.contains { $0.metric.vendorCode == "ge-dinamap:NA.sys" && $0.state == .absent })
    }
}
