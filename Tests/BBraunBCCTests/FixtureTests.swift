import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import BBraunBCC

/// HardwareFixtures/bbraun-bcc/notes-exchange.bbcap: the exchange of the notes' worked examples
/// (pumps.md §1.14: E1 ALIVE, E2 GNACK, E3/E4 version, E5 MEM:GET, E7 first block, E8 last block),
/// written from the notes' frames, with the host's ACKs at the pacing the specification asks for.
/// Its expected feed (`.expected.ndjson`, checked by the runtime's fixture suite) therefore rests on
/// the notes, not on our simulator. BEDSIDE_WRITE_FIXTURES=1 writes the capture again.
@Suite(.serialized) struct FixtureTests {
    static let name = "notes-exchange"
    static let start = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func capture() -> Capture {
        func at(_ s: Double) -> Timestamp { start.adding(seconds: s) }
        let b = FramingVectorTests.bytes
        let chunks: [CaptureChunk] = [
            CaptureChunk(time: at(0), direction: .tx, bytes: b("<SOH>00031<STX>1/1/1>ADMIN:ALIVE<ETX>00061<EOT>")),
            CaptureChunk(time: at(0.2), direction: .rx, bytes: b("<SOH>00045<STX>ComSystem/1/1>206,50100,GNACK,0<ETX>00071<EOT>")),
            CaptureChunk(time: at(0.3), direction: .tx, bytes: [0x06]),
            CaptureChunk(time: at(0.4), direction: .tx, bytes: b("<SOH>00041<STX>ComSystem/1/1>ADMIN:VERSION<ETX>00102<EOT>")),
            CaptureChunk(time: at(0.5), direction: .rx, bytes: b("<SOH>00043<STX>ComSystem/1/1>207,50100,V3.30<ETX>00160<EOT>")),
            CaptureChunk(time: at(0.6), direction: .tx, bytes: [0x06]),
            CaptureChunk(time: at(0.7), direction: .tx, bytes: b("<SOH>00035<STX>ComSystem/1/1>MEM:GET<ETX>00153<EOT>")),
            CaptureChunk(time: at(1.0), direction: .rx, bytes: b(FramingVectorTests.e7Text)),
            CaptureChunk(time: at(1.1), direction: .tx, bytes: [0x06]),
            CaptureChunk(time: at(1.4), direction: .rx, bytes: b("<SOH>00047<STX>ComSystem/1/1>3600,50112,GNERR,39<ETX>00211<EOT>")),
            CaptureChunk(time: at(1.5), direction: .tx, bytes: [0x06]),
        ]
        let header = CaptureHeader(
            driver: "bbraun-bcc", serialSettings: BBraunBCCDriver.descriptor.defaultSerialSettings, port: "notes",
            device: DeviceIdentity(driver: "bbraun-bcc", vendor: "B. Braun", port: "notes"), startTime: start,
            note: "the worked examples E1, E2, E3, E4, E5, E7, E8 of the research notes (pumps.md §1.14) as one exchange; ACKs 0.1 s after each block, each identification request 0.1 s after its ACK")
        return Capture(header: header, chunks: chunks)
    }

    static var captureURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HardwareFixtures/bbraun-bcc/\(name).bbcap")
    }

    @Test func storedCaptureIsTheNotesExchange() throws {
        let expected = Self.capture()
        if ProcessInfo.processInfo.environment["BEDSIDE_WRITE_FIXTURES"] == "1" {
            let writer = try CaptureWriter.create(path: Self.captureURL.path, header: expected.header,
                                                  options: .init(bufferLimit: 1 << 16), overwrite: true)
            for chunk in expected.chunks { try writer.append(chunk) }
            try writer.close()
        }
        let stored = try CaptureReader.readAll(path: Self.captureURL.path)
        #expect(stored.warnings.isEmpty)
        #expect(stored.capture.header == expected.header)
        #expect(stored.capture.chunks == expected.chunks)
    }

    /// Replayed offline with the driver transmitting: it sends exactly the notes' requests and ACKs,
    /// and reads the values of E7.
    @Test func replaysToTheNotesValues() throws {
        let reader = try CaptureReader(path: Self.captureURL.path)
        var observations: [Observation] = []
        var replay = OfflineReplay(driver: BBraunBCCDriver(configuration: DriverConfiguration()),
                                   startTime: reader.header.startTime) { observations.append($0) }
        try replay.run(reader) { observations.append($0) }
        let report = replay.finish { observations.append($0) }
        let check = try #require(report.transmitCheck)
        #expect(check.isClean, "\(check.mismatches.first.map(String.init(describing:)) ?? "")")
        let rates = observations.compactMap { if case .numeric(let r) = $0, r.metric.referenceID == "MDC_FLOW_FLUID_PUMP" { r } else { nil } }
        #expect(rates.first?.value == DecimalValue("12.50") && rates.first?.subdevice == "pillar1/slot1")
    }
}
