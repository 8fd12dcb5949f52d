import BedsideDriver
import BedsideModel
@testable import BedsideCapture
import Glibc
import Testing

/// ``ReplayInput`` (recognizing, streaming, choosing the driver) and ``ReplaySummary`` (what
/// the replay says and its exit status), with the toy driver.
@Suite struct ReplayInputTests {
    let toySettings: (String) throws -> SerialSettings = { _ in SerialSettings(baudRate: 9600) }

    /// A listen-only toy session of `lines` lines, one record each.
    func writeSession(_ path: String, lines: Int = 20) throws -> [CaptureChunk] {
        let header = CaptureHeader(driver: "toy", serialSettings: nil, port: "/dev/ttyTOY", startTime: t0)
        let writer = try CaptureWriter.create(path: path, header: header)
        let chunks = (0..<lines).map { CaptureChunk(time: t0.adding(seconds: Double($0)), direction: .rx, bytes: Array("L=\($0)\n".utf8)) }
        for c in chunks { try writer.append(c) }
        try writer.close()
        return chunks
    }

    func replay(_ input: ReplayInput) async throws -> (OfflineReplayReport, Int) {
        var observations = 0
        var replay = OfflineReplay(driver: ToyDriver(configuration: .init(transmitEnabled: try input.hasTransmitChunks())),
                                   startTime: input.header.startTime)
        let report = try await replay.runToEnd(input.chunks, observe: { _ in observations += 1 }, afterEachChunk: {})
        return (report, observations)
    }

    @Test func anIntactCaptureReplaysCompletelyWithStatusZero() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.bbcap")
        _ = try writeSession(path)
        let input = try ReplayInput.open(path: path, forceRaw: false, driver: nil, rawLineSettings: toySettings)
        #expect(input.kind == .bbcap && input.driverName == "toy")
        #expect(input.identity(driverVendor: "Test").port == "/dev/ttyTOY")
        let (report, _) = try await replay(input)
        #expect(report.chunks == 20)
        let summary = ReplaySummary(report: report, input: input, records: 20, milliseconds: 1.25)
        #expect(summary.outcome == .complete)
        #expect(summary.exitStatus(acceptPartial: false) == 0)
        #expect(summary.lines.first?.hasPrefix("replayed \(path) (capture, toy): ") == true)
        #expect(!summary.lines.contains { $0.contains("skipped") })
    }

    @Test func aDamagedCaptureReplaysTheRestAndExitsWithThree() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("d.bbcap")
        let chunks = try writeSession(path)
        var bytes = try readFile(path)
        let headerSize = CaptureFileFormat.encodeHeader(CaptureHeader(driver: "toy", serialSettings: nil, port: "/dev/ttyTOY", startTime: t0)).count
        // Record 7 (every record here is 17 + 4 or 5 bytes): flip a payload bit.
        let recordStart = headerSize + chunks[..<7].reduce(0) { $0 + 17 + $1.bytes.count }
        bytes[recordStart + 14] ^= 0x04
        writeFile(path, bytes)
        let input = try ReplayInput.open(path: path, forceRaw: false, driver: "toy", rawLineSettings: toySettings)
        let (report, _) = try await replay(input)
        #expect(report.chunks == 19)
        #expect(report.readerWarnings.map(\.offset) == [Int64(recordStart)])
        let summary = ReplaySummary(report: report, input: input, records: 19, milliseconds: 1)
        #expect(summary.outcome == .partial)
        #expect(summary.exitStatus(acceptPartial: false) == ReplayExitStatus.partial)
        #expect(summary.exitStatus(acceptPartial: true) == ReplayExitStatus.complete)
        let end = recordStart + 17 + chunks[7].bytes.count
        #expect(summary.lines.contains { $0.contains("bytes \(recordStart)..<\(end)") && $0.contains("damaged") })
        #expect(summary.lines.last?.contains("Exit status 3 unless --accept-partial") == true)
    }

    @Test func aRawDumpNeedsADriverAndStreamsAtTheLineRate() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("dump.raw")
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        writeFile(path, bytes)
        #expect(throws: ReplayInputError.rawDumpNeedsDriver(path: path)) {
            _ = try ReplayInput.open(path: path, forceRaw: false, driver: nil, rawLineSettings: toySettings)
        }
        let input = try ReplayInput.open(path: path, forceRaw: false, driver: "toy", rawLineSettings: toySettings)
        #expect(input.kind == .rawBytes)
        #expect(try input.hasTransmitChunks() == false)
        let chunks = try input.allChunks()
        #expect(chunks.flatMap(\.bytes) == bytes)
        #expect(chunks.map(\.bytes.count) == Array(repeating: 64, count: 15) + [40])
        // 9600 8N1: 10 bits per byte.
        #expect(chunks.first?.time == Timestamp(nanosecondsSinceEpoch: 64 * 1_041_666))
        #expect(input.warnings.isEmpty)
    }

    @Test func aDriverThatContradictsTheFileIsRefusedWithWhatToPass() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.bbcap")
        _ = try writeSession(path, lines: 1)
        #expect {
            _ = try ReplayInput.open(path: path, forceRaw: false, driver: "ge-datex", rawLineSettings: toySettings)
        } throws: { error in
            "\(error)".contains("leave --driver out or pass --driver toy")
        }
    }
}
