import BedsideModel
@testable import BedsideCapture
import Glibc
import Testing

/// Line control the bridge carried out is kept in the capture as an optional record: present in
/// the file for an engineer (and for tools that know the kind), skipped by readers and replays.
@Suite struct LineControlRecordTests {
    @Test func lineControlIsStoredAsAnOptionalRecordThatReadersSkip() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("line.bbcap")
        let writer = try CaptureWriter.create(path: path, header: sampleHeader())
        let rx = CaptureChunk(time: t0, direction: .rx, bytes: [1, 2, 3])
        let tx = CaptureChunk(time: t0.adding(nanoseconds: 2_000), direction: .tx, bytes: [9])
        try writer.append(rx)
        try writer.appendLineControl("DTR on", time: t0.adding(nanoseconds: 1_000))
        try writer.append(tx)
        #expect(writer.lineControlRecords == 1)
        try writer.close()

        let result = try CaptureReader.readAll(path: path)
        #expect(result.warnings.isEmpty)
        #expect(result.capture.chunks == [rx, tx])

        // The record is really there: kind 0x81 with its text, between the two chunks.
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = read(fd, &bytes, bytes.count)
        let text = Array("DTR on".utf8)
        let at = try #require((0..<(n - text.count)).first { Array(bytes[$0..<($0 + text.count)]) == text })
        #expect(bytes[at - CaptureFileFormat.recordHeaderSize] == CaptureFileFormat.RecordKind.lineControl)
    }
}
