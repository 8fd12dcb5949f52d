import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import IntelliVue

/// A simulator session recorded in memory on a virtual clock (bytes both ways, as the bridge sees
/// them), kept as HardwareFixtures/intellivue/sim-session-seed1.bbcap. Its expected feed beside it
/// (`.expected.ndjson`) is checked by the runtime's fixture suite. Set BEDSIDE_WRITE_FIXTURES=1 to
/// write the capture again after an intended change (then re-bless with scripts/update-fixtures).
@Suite struct FixtureTests {
    static let name = "sim-session-seed1"
    static let device = DeviceIdentity(driver: "intellivue", vendor: "Philips", port: "simulator")

    static func session() -> SessionBench {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 1, scenarioSpeed: 60))
        b.start()
        b.advance(seconds: 10)
        b.stopDriver()
        return b
    }

    /// The session from the host's side: what the driver sent (tx) at the time it sent it, what
    /// the monitor sent (rx) when it reached the host (1 ms later), in time order, up to the
    /// driver's stop request, where a recording by the bridge ends too.
    static func capture(_ b: SessionBench) -> Capture {
        let chunks = b.wire.map { item in
            item.from == .host
                ? CaptureChunk(time: item.time, direction: .tx, bytes: item.bytes)
                : CaptureChunk(time: item.time.adding(nanoseconds: 1_000_000), direction: .rx, bytes: item.bytes)
        }
        .filter { $0.time <= b.now }
        .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let header = CaptureHeader(
            driver: "intellivue", serialSettings: IntelliVueDriver.descriptor.defaultSerialSettings, port: "simulator",
            device: device, startTime: t(0),
            note: "IntelliVue simulator (seed 1, scenario speed 60) and driver connected in memory on a virtual clock; bytes take 1 ms to cross")
        return Capture(header: header, chunks: chunks)
    }

    static var captureURL: URL { Fixtures.folder.appendingPathComponent("\(name).bbcap") }

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
        #expect(stored.capture.chunks.count == expected.chunks.count)
        let firstDifference = zip(stored.capture.chunks, expected.chunks).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "chunk \(firstDifference?.offset ?? -1) differs from the live session")
    }

    /// The recorded session replayed offline, the driver transmitting, gives the live session's
    /// readings, and the driver sends exactly what it sent live.
    @Test func recordedSessionReplaysToTheSameReadings() throws {
        let reader = try CaptureReader(path: Self.captureURL.path)
        var observations: [Observation] = []
        var replay = OfflineReplay(driver: IntelliVueDriver(configuration: DriverConfiguration()),
                                   startTime: reader.header.startTime) { observations.append($0) }
        try replay.run(reader) { observations.append($0) }
        let report = replay.finish { observations.append($0) }
        let check = try #require(report.transmitCheck)
        #expect(check.isClean, "\(check.mismatches.first.map(String.init(describing:)) ?? "")")
        #expect(check.matchedBytes > 0)
        let live = Self.session().run
        var replayed = DriverRun()
        replayed.observations = observations
        #expect(replayed.numerics == live.numerics)
        #expect(replayed.waves == live.waves)
        #expect(replayed.alarms == live.alarms)
        #expect(observations.contains { if case .waveform = $0 { true } else { false } })
    }

    /// The monitor's side alone, replayed into a listen-only driver, gives the same readings.
    @Test func monitorBytesAloneReplayListenOnly() throws {
        let stored = try CaptureReader.readAll(path: Self.captureURL.path).capture
        let rxOnly = Capture(header: stored.header, chunks: stored.chunks.filter { $0.direction == .rx })
        var observations: [Observation] = []
        var replay = OfflineReplay(driver: IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false)),
                                   startTime: rxOnly.header.startTime)
        replay.run(rxOnly) { observations.append($0) }
        let report = replay.finish { observations.append($0) }
        #expect(report.transmitCheck == nil)
        #expect(report.driverTransmitBytes == 0)
        var replayed = DriverRun()
        replayed.observations = observations
        let live = Self.session().run
        #expect(replayed.numerics == live.numerics)
        #expect(replayed.waves == live.waves)
    }
}
