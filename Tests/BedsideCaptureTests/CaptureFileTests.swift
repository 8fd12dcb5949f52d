import BedsideTestSupport
import BedsideModel
@testable import BedsideCapture
import Glibc
import Testing

@Suite struct CaptureFileTests {
    func randomChunks(count: Int, seed: UInt64) -> [CaptureChunk] {
        var rng = SplitMix64(state: seed)
        var time = t0
        var chunks: [CaptureChunk] = []
        for i in 0..<count {
            time = time.adding(nanoseconds: Int64.random(in: 0...50_000_000, using: &rng))
            let size: Int
            switch i % 10 {
            case 0: size = 0  // empty chunks are kept too
            case 1: size = Int.random(in: 1000...70_000, using: &rng)
            default: size = Int.random(in: 1...64, using: &rng)
            }
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            chunks.append(CaptureChunk(time: time, direction: Bool.random(using: &rng) ? .rx : .tx, bytes: bytes))
        }
        // A large chunk, and a time before the start (wall clock stepped back): stored as is.
        chunks.append(CaptureChunk(time: t0.adding(nanoseconds: -5), direction: .rx, bytes: (0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        return chunks
    }

    @Test func writeThenReadIsLossless() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("session.bbcap")
        let chunks = randomChunks(count: 300, seed: 7)
        let writer = try CaptureWriter.create(path: path, header: sampleHeader())
        for c in chunks { try writer.append(c) }
        try writer.close()

        let result = try CaptureReader.readAll(path: path)
        #expect(result.warnings.isEmpty)
        #expect(result.capture.header == sampleHeader())
        #expect(result.capture.chunks == chunks)

        // Streaming without copies yields the same.
        let reader = try CaptureReader(path: path, bufferSize: 4096)
        var streamed: [CaptureChunk] = []
        try reader.forEachChunk { d, t, b in streamed.append(CaptureChunk(time: t, direction: d, bytes: Array(b))) }
        #expect(streamed == chunks)
    }

    @Test func minimalHeaderRoundTrips() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("m.bbcap")
        let header = CaptureHeader(driver: nil, serialSettings: nil, port: nil, startTime: Timestamp(nanosecondsSinceEpoch: -1))
        try CaptureWriter.create(path: path, header: header).close()
        let result = try CaptureReader.readAll(path: path)
        #expect(result.capture.header == header)
        #expect(result.capture.chunks.isEmpty)
        #expect(result.warnings.isEmpty)
    }

    @Test func createRefusesToOverwriteUnlessAsked() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("x.bbcap")
        try CaptureWriter.create(path: path, header: sampleHeader()).close()
        #expect(throws: CaptureError.alreadyExists(path: path)) { _ = try CaptureWriter.create(path: path, header: sampleHeader()) }
        try CaptureWriter.create(path: path, header: sampleHeader(), overwrite: true).close()
    }

    @Test func appendAfterReopenKeepsHeaderAndOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a.bbcap")
        let chunks = randomChunks(count: 20, seed: 11)
        let first = try CaptureWriter.create(path: path, header: sampleHeader())
        for c in chunks[..<8] { try first.append(c) }
        try first.close()

        let second = try CaptureWriter.openForAppending(path: path, options: .init(bufferLimit: 1 << 20))
        #expect(second.header == sampleHeader())
        #expect(second.repairedTail == nil)
        for c in chunks[8...] { try second.append(c) }
        try second.close()

        #expect(try CaptureReader.readAll(path: path).capture.chunks == chunks)
    }

    @Test func aTruncatedFileKeepsEveryCompleteRecord() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.bbcap")
        let chunks = (0..<5).map { CaptureChunk(time: t0.adding(nanoseconds: Int64($0)), direction: .rx, bytes: Array(repeating: UInt8($0), count: 40)) }
        let writer = try CaptureWriter.create(path: path, header: sampleHeader())
        for c in chunks { try writer.append(c) }
        try writer.close()
        let full = try readFile(path)
        let recordSize = 13 + 40 + 4
        let lastStart = full.count - recordSize

        // Every cut inside the last record: the first four come back, never a damaged fifth.
        for cut in lastStart..<full.count {
            let cutPath = dir.file("cut.bbcap")
            writeFile(cutPath, Array(full[..<cut]))
            let result = try CaptureReader.readAll(path: cutPath)
            #expect(result.capture.chunks == Array(chunks[..<4]), "cut at \(cut)")
            if cut > lastStart {
                #expect(result.warnings == [CaptureWarning(path: cutPath, offset: Int64(lastStart), bytes: Int64(cut - lastStart),
                                                           cause: .cutShort, reason: "the file ends inside a record")])
            } else {
                #expect(result.warnings.isEmpty)
            }
        }

        // Power loss on some file systems leaves zeros after the last write.
        let zeroPath = dir.file("zeros.bbcap")
        writeFile(zeroPath, full + [UInt8](repeating: 0, count: 4096))
        let zeroed = try CaptureReader.readAll(path: zeroPath)
        #expect(zeroed.capture.chunks == chunks)
        #expect(zeroed.warnings.count == 1)
        #expect(zeroed.warnings.first?.description.contains("4096 bytes") == true)
        #expect(zeroed.warnings.first?.cause == .cutShort)

        // Appending to a torn file cuts the torn record first, then continues.
        let tornPath = dir.file("torn.bbcap")
        writeFile(tornPath, Array(full[..<(full.count - 3)]))
        let appender = try CaptureWriter.openForAppending(path: tornPath)
        #expect(appender.repairedTail != nil)
        let extra = CaptureChunk(time: t0.adding(seconds: 9), direction: .tx, bytes: [0x7E, 0x00, 0xFF])
        try appender.append(extra)
        try appender.close()
        let repaired = try CaptureReader.readAll(path: tornPath)
        #expect(repaired.warnings.isEmpty)
        #expect(repaired.capture.chunks == Array(chunks[..<4]) + [extra])
    }

    @Test func aDamagedRecordIsNeverReturnedAndTheRecordsAfterItAre() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("d.bbcap")
        let chunks = (0..<3).map { CaptureChunk(time: t0.adding(seconds: Double($0)), direction: .tx, bytes: Array("chunk \($0)".utf8)) }
        let writer = try CaptureWriter.create(path: path, header: sampleHeader())
        for c in chunks { try writer.append(c) }
        try writer.close()
        var bytes = try readFile(path)
        let headerSize = CaptureFileFormat.encodeHeader(sampleHeader()).count
        let secondPayload = headerSize + (13 + 7 + 4) + 13
        bytes[secondPayload + 2] ^= 0x01  // one bit flipped in the second record's payload
        writeFile(path, bytes)
        let result = try CaptureReader.readAll(path: path)
        #expect(result.capture.chunks == [chunks[0], chunks[2]])
        #expect(result.warnings == [CaptureWarning(path: path, offset: Int64(secondPayload - 13), bytes: 13 + 7 + 4,
                                                   cause: .damaged, reason: "record checksum mismatch")])
        #expect(result.warnings.first?.description.contains("damaged") == true)
    }

    @Test func recordKindsFollowTheVersioningRule() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var bytes = CaptureFileFormat.encodeHeader(sampleHeader())
        let known = CaptureChunk(time: t0, direction: .rx, bytes: [1, 2, 3])
        [UInt8](repeating: 9, count: 5).withUnsafeBytes { CaptureFileFormat.appendRecord(kind: 0x90, time: t0, payload: $0, to: &bytes) }
        known.bytes.withUnsafeBytes { CaptureFileFormat.appendRecord(kind: 0x01, time: t0, payload: $0, to: &bytes) }
        let optionalPath = dir.file("optional.bbcap")
        writeFile(optionalPath, bytes)
        #expect(try CaptureReader.readAll(path: optionalPath).capture.chunks == [known])

        [UInt8]().withUnsafeBytes { CaptureFileFormat.appendRecord(kind: 0x03, time: t0, payload: $0, to: &bytes) }
        let mandatoryPath = dir.file("mandatory.bbcap")
        writeFile(mandatoryPath, bytes)
        #expect {
            _ = try CaptureReader.readAll(path: mandatoryPath)
        } throws: { error in
            guard case .unsupportedRecordKind(_, 0x03, _) = error as? CaptureError else { return false }
            return "\(error)".contains("newer bedside")
        }
    }

    @Test func aCorruptedHeaderIsRejectedWithAClearError() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let good = CaptureFileFormat.encodeHeader(sampleHeader())
        let path = dir.file("h.bbcap")

        var flipped = good
        flipped[20] ^= 0x20  // inside the header text
        writeFile(path, flipped)
        #expect(throws: CaptureError.corruptHeader(path: path, reason: "header checksum mismatch")) {
            _ = try CaptureReader(path: path)
        }
        #expect(CaptureError.corruptHeader(path: path, reason: "header checksum mismatch").description.contains("damaged header"))

        var magic = good
        magic[1] = UInt8(ascii: "X")
        writeFile(path, magic)
        #expect(throws: CaptureError.notACapture(path: path)) { _ = try CaptureReader(path: path) }

        writeFile(path, Array(good[..<(good.count - 2)]))
        #expect(throws: CaptureError.corruptHeader(path: path, reason: "file ends inside the header")) { _ = try CaptureReader(path: path) }

        writeFile(path, [])
        #expect(throws: CaptureError.notACapture(path: path)) { _ = try CaptureReader(path: path) }

        // A newer version with an intact checksum: "use a newer bedside".
        var newer = Array(good[..<(good.count - 4)])
        newer[8] = 99
        let crc = CRC32.checksum(Array(newer[8...]))
        CaptureFileFormat.appendLittleEndian(crc, to: &newer)
        writeFile(path, newer)
        #expect(throws: CaptureError.unsupportedVersion(path: path, found: 99, supported: 1)) { _ = try CaptureReader(path: path) }

        #expect(throws: CaptureError.notFound(path: dir.file("missing.bbcap"))) { _ = try CaptureReader(path: dir.file("missing.bbcap")) }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        // Slicing-by-8 and the byte loop agree on every length and alignment.
        let data = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for start in 0..<9 {
            for end in start..<data.count {
                let slice = Array(data[start..<end])
                var bytewise: UInt32 = 0
                for b in slice { bytewise = [b].withUnsafeBytes { CRC32.update(bytewise, $0) } }
                #expect(CRC32.checksum(slice) == bytewise)
            }
        }
    }

    @Test func recorderWritesMonotonicHostTimesFromManyTasks() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("r.bbcap")
        let recorder = try CaptureRecorder.create(path: path, header: sampleHeader())
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<50 { try? recorder.record(task % 2 == 0 ? .rx : .tx, [UInt8(task), UInt8(i)]) }
                }
            }
        }
        try recorder.record(.rx, [0xFF], at: t0)
        #expect(recorder.chunksRecorded == 401)
        try recorder.close()
        #expect(throws: CaptureError.closed(path: path)) { try recorder.record(.rx, [1]) }

        let capture = try CaptureReader.readAll(path: path).capture
        #expect(capture.chunks.count == 401)
        let live = capture.chunks.dropLast()
        #expect(zip(live, live.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(live.allSatisfy { $0.time >= capture.header.startTime })
        // Every (task, i) pair arrived exactly once, in per-task order.
        for task in 0..<8 {
            let mine = live.filter { $0.bytes[0] == UInt8(task) }.map { Int($0.bytes[1]) }
            #expect(mine == Array(0..<50))
        }
        #expect(capture.chunks.last == CaptureChunk(time: t0, direction: .rx, bytes: [0xFF]))
    }
}
