import BedsideModel
@testable import BedsideCapture
import Glibc
import Testing

@Suite(.enabled(if: SharedData.available, "needs the real captures in ../shared/captures (or BEDSIDE_SHARED)"))
struct RawDumpImportTests {
    static let geFiles = [
        "s5-level11-vscapturewave.raw", "as3-level9-jiaxiusai.raw", "b650-level10-waves-pycollect.raw", "b650-db02-pycollect.raw",
    ]
    let settings = SerialSettings(baudRate: 19200, dataBits: 8, parity: .even, stopBits: 1)

    @Test("a GE dump imports byte for byte, with line-rate times", arguments: geFiles)
    func importsGEDump(name: String) throws {
        let path = SharedData.path("ge-datex-s5/" + name)
        let original = try readFile(path)
        let capture = try RawDumpImport.capture(contentsOf: path, settings: settings, startTime: t0, driver: "ge-datex")
        #expect(capture.chunks.flatMap(\.bytes) == original)
        #expect(capture.chunks.allSatisfy { $0.direction == .rx })
        #expect(capture.chunks.dropLast().allSatisfy { $0.bytes.count == 64 })
        // 8E1 = 11 bits per byte at 19200 baud; chunk k ends after 64·(k+1) bytes.
        let perByte = Int64(11) * 1_000_000_000 / 19200
        #expect(RawDumpImport.nanosecondsPerByte(settings) == perByte)
        for (k, chunk) in capture.chunks.enumerated() {
            let endByte = min(64 * (k + 1), original.count)
            #expect(chunk.time == t0.adding(nanoseconds: Int64(endByte) * perByte))
        }
        #expect(capture.header.driver == "ge-datex")
        #expect(capture.header.serialSettings == settings)
        #expect(capture.header.port == path)
        #expect(capture.header.note?.contains("times are synthesized") == true)

        // Through a .bbcap file and back: still the same bytes.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("imported.bbcap")
        let writer = try CaptureWriter.create(path: out, header: capture.header, options: .init(bufferLimit: 1 << 20))
        for c in capture.chunks { try writer.append(c) }
        try writer.close()
        let back = try CaptureReader.readAll(path: out)
        #expect(back.capture.chunks == capture.chunks)
        #expect(back.capture.header == capture.header)

        let single = RawDumpImport.capture(bytes: original, settings: settings, startTime: t0, chunking: .single)
        #expect(single.chunks == [CaptureChunk(time: t0, direction: .rx, bytes: original)])
    }

    @Test func snifferTellsTheFormatsApart() throws {
        #expect(try CaptureFormatSniffer.kind(ofFileAt: SharedData.path("ge-datex-s5/b650-db02-pycollect.raw")) == .rawBytes)
        let ivPath = SharedData.path("intellivue-mp70/mp70-serial-every.log")
        if access(ivPath, R_OK) == 0 {
            #expect(try CaptureFormatSniffer.kind(ofFileAt: ivPath) == .intelliVueSerialLog)
        }
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.bbcap")
        try CaptureWriter.create(path: path, header: sampleHeader()).close()
        #expect(try CaptureFormatSniffer.kind(ofFileAt: path) == .bbcap)
        #expect(CaptureFormatSniffer.kind(ofPrefix: []) == .rawBytes)
        #expect(CaptureFormatSniffer.kind(ofPrefix: Array(CaptureFileFormat.magic.prefix(5))) == .rawBytes)
        #expect(CaptureFormatSniffer.kind(ofPrefix: Array("2014/04/04T20:48:42,837".utf8) + [0xC0, 0x11]) == .intelliVueSerialLog)
        #expect(CaptureFormatSniffer.kind(ofPrefix: Array("2014/04/04T20:48:42,837".utf8) + [0x41]) == .rawBytes)
        #expect(throws: CaptureError.notFound(path: dir.file("nope"))) { _ = try CaptureFormatSniffer.kind(ofFileAt: dir.file("nope")) }
    }
}
