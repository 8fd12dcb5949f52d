import BedsideModel
import BedsideTestSupport
@testable import BedsideCapture
import Glibc
import Testing

/// A capture's records with their byte ranges, parsed independently of ``CaptureReader``.
struct RecordLayout {
    var headerSize: Int
    var records: [(range: Range<Int>, chunk: CaptureChunk)]

    init(_ bytes: [UInt8]) throws {
        let header = try bytes.withUnsafeBytes { raw in
            Result { () throws(CaptureError) in try CaptureFileFormat.parseHeader(raw, path: "layout") }
        }.get()
        guard case .header(_, let headerSize) = header else { preconditionFailure("fixture header incomplete") }
        var records: [(range: Range<Int>, chunk: CaptureChunk)] = []
        bytes.withUnsafeBytes { raw in
            var at = headerSize
            while case .record(let kind, let time, let payload, let recordSize) = CaptureFileFormat.parseRecord(raw, at: at) {
                let direction: CaptureChunk.Direction = kind == 1 ? .rx : .tx
                records.append((at..<(at + recordSize), CaptureChunk(time: time, direction: direction, bytes: Array(raw[payload]))))
                at += recordSize
            }
            precondition(at == raw.count, "fixture has bytes that are not records")
        }
        self.headerSize = headerSize
        self.records = records
    }
}

@Suite struct CaptureResyncTests {
    static let fixtures = ["ge-datex/sim-pty-seed1.bbcap", "intellivue/sim-pty-seed1.bbcap", "intellivue/sim-session-seed1.bbcap"]

    /// Every byte of the file is either in a returned record, in the header or in a reported range.
    func expectAccounted(_ result: CaptureReadResult, fileSize: Int, headerSize: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let decoded = result.capture.chunks.reduce(0) { $0 + 17 + $1.bytes.count }
        #expect(headerSize + decoded + Int(result.warnings.skippedBytes) == fileSize, sourceLocation: sourceLocation)
    }

    @Test("one flipped byte anywhere in a real capture loses only the record it hit", arguments: fixtures)
    func oneFlippedByte(fixture: String) throws {
        let original = try readFile(SharedData.fixture(fixture))
        let layout = try RecordLayout(original)
        #expect(layout.records.count > 10)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("flipped.bbcap")
        var rng = SplitMix64(state: 0xB8CA_F11B)
        // The middle of the file (the case), then seeded random positions and bits.
        var flips = [(original.count / 2, UInt8(0x10))]
        for _ in 0..<40 {
            flips.append((Int.random(in: layout.headerSize..<original.count, using: &rng), UInt8(1) << UInt8.random(in: 0...7, using: &rng)))
        }
        for (offset, mask) in flips {
            var bytes = original
            bytes[offset] ^= mask
            writeFile(path, bytes)
            let hit = try #require(layout.records.firstIndex { $0.range.contains(offset) })
            let result = try CaptureReader.readAll(path: path)
            var expected = layout.records.map(\.chunk)
            expected.remove(at: hit)
            #expect(result.capture.chunks == expected, "flip at \(offset)")
            let range = layout.records[hit].range
            #expect(result.warnings.count == 1, "flip at \(offset)")
            if let warning = result.warnings.first {
                #expect(warning.cause == .damaged || (hit == layout.records.count - 1 && warning.cause == .cutShort), "flip at \(offset): \(warning)")
                if hit < layout.records.count - 1 {
                    // The skipped range is exactly the damaged record.
                    #expect(warning.offset == Int64(range.lowerBound) && warning.endOffset == Int64(range.upperBound), "flip at \(offset): \(warning)")
                    #expect(warning.cause == .damaged)
                }
                #expect(warning.description.contains("bytes \(warning.offset)..<\(warning.endOffset)"))
            }
            expectAccounted(result, fileSize: bytes.count, headerSize: layout.headerSize)
        }
    }

    @Test("a capture cut anywhere keeps every complete record and says cut short", arguments: fixtures)
    func truncated(fixture: String) throws {
        let original = try readFile(SharedData.fixture(fixture))
        let layout = try RecordLayout(original)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("cut.bbcap")
        var rng = SplitMix64(state: 0xC07)
        for _ in 0..<25 {
            let cut = Int.random(in: layout.headerSize..<original.count, using: &rng)
            writeFile(path, Array(original[..<cut]))
            let result = try CaptureReader.readAll(path: path)
            let complete = layout.records.filter { $0.range.upperBound <= cut }
            #expect(result.capture.chunks == complete.map(\.chunk), "cut at \(cut)")
            let lastEnd = complete.last?.range.upperBound ?? layout.headerSize
            if lastEnd == cut {
                #expect(result.warnings.isEmpty)
            } else {
                #expect(result.warnings == [CaptureWarning(path: path, offset: Int64(lastEnd), bytes: Int64(cut - lastEnd),
                                                           cause: .cutShort, reason: "the file ends inside a record")])
            }
        }
    }

    @Test func damageAtSeveralPlacesWithASmallBufferAndLargeRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("many.bbcap")
        let chunks = CaptureFileTests().randomChunks(count: 120, seed: 99)
        let writer = try CaptureWriter.create(path: path, header: sampleHeader(), options: .init(bufferLimit: 1 << 20))
        for c in chunks { try writer.append(c) }
        try writer.close()
        var bytes = try readFile(path)
        let layout = try RecordLayout(bytes)
        // Damage every 10th record: a flipped payload bit, a length field made huge, garbage.
        var rng = SplitMix64(state: 4242)
        var damaged = Set<Int>()
        for k in stride(from: 3, to: layout.records.count - 1, by: 10) {
            let r = layout.records[k].range
            switch k % 3 {
            case 0: bytes[Int.random(in: r, using: &rng)] ^= 0x40
            case 1: bytes[r.lowerBound + 11] = 0xF0  // length ≈ 15 MiB: past much of the file
            default: for i in r.lowerBound..<min(r.upperBound, r.lowerBound + 30) { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
            }
            damaged.insert(k)
        }
        writeFile(path, bytes)
        let reader = try CaptureReader(path: path, bufferSize: 4096)
        var read: [CaptureChunk] = []
        while let c = try reader.next() { read.append(c) }
        let expected = layout.records.enumerated().filter { !damaged.contains($0.offset) }.map(\.element.chunk)
        #expect(read == expected)
        #expect(reader.warnings.count == damaged.count)
        #expect(reader.warnings.allSatisfy { $0.cause == .damaged })
        #expect(reader.warnings.map(\.offset) == damaged.sorted().map { Int64(layout.records[$0].range.lowerBound) })
        expectAccounted(CaptureReadResult(capture: Capture(header: reader.header, chunks: read), warnings: reader.warnings),
                        fileSize: bytes.count, headerSize: layout.headerSize)
    }

    @Test("30 MB of zeros or noise inside a capture: found the records after it, in one buffer")
    func longRunsOfGarbage() throws {
        let original = try readFile(SharedData.fixture("ge-datex/sim-pty-seed1.bbcap"))
        let layout = try RecordLayout(original)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let split = layout.records[5].range.upperBound
        var rng = SplitMix64(state: 77)
        let noise = (0..<(2 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for (name, filler) in [("zeros", [UInt8](repeating: 0, count: 30 << 20)), ("noise", noise)] {
            let path = dir.file(name + ".bbcap")
            writeFile(path, Array(original[..<split]) + filler + Array(original[split...]))
            let reader = try CaptureReader(path: path)
            var read: [CaptureChunk] = []
            while let c = try reader.next() { read.append(c) }
            #expect(read == layout.records.map(\.chunk), "\(name)")
            #expect(reader.warnings == [CaptureWarning(path: path, offset: Int64(split), bytes: Int64(filler.count),
                                                       cause: .damaged, reason: reader.warnings.first?.reason ?? "")], "\(name)")
            // Bounded memory: the buffer never held the run of garbage; at most one record's
            // worth when a damaged length field claims the largest record.
            let limit = name == "zeros" ? 2 * CaptureInput.defaultBufferSize
                : CaptureFileFormat.maximumRecordPayload + 2 * CaptureInput.defaultBufferSize
            #expect(reader.input.buffer.count <= limit, "\(name)")
        }
        // Zeros to the end (a power loss) are cut short, however many.
        let path = dir.file("zero-tail.bbcap")
        writeFile(path, original + [UInt8](repeating: 0, count: 5 << 20))
        let tail = try CaptureReader.readAll(path: path)
        #expect(tail.capture.chunks == layout.records.map(\.chunk))
        #expect(tail.warnings.map(\.cause) == [.cutShort])
        #expect(tail.warnings.first?.bytes == 5 << 20)
    }

    @Test func aCompleteLastRecordThatFailsItsChecksumIsDamagedNotCutShort() throws {
        let original = try readFile(SharedData.fixture("intellivue/sim-session-seed1.bbcap"))
        let layout = try RecordLayout(original)
        var bytes = original
        bytes[bytes.count - 6] ^= 0x02
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("last.bbcap")
        writeFile(path, bytes)
        let result = try CaptureReader.readAll(path: path)
        #expect(result.capture.chunks == layout.records.dropLast().map(\.chunk))
        #expect(result.warnings.map(\.cause) == [.damaged])
    }

    @Test func appendingAfterMidFileDamageKeepsEverythingAndTheDamageReported() throws {
        let original = try readFile(SharedData.fixture("ge-datex/sim-pty-seed1.bbcap"))
        let layout = try RecordLayout(original)
        var bytes = original
        let hit = layout.records[4].range
        bytes[hit.lowerBound + 14] ^= 0x01
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("append.bbcap")
        writeFile(path, bytes)
        let writer = try CaptureWriter.openForAppending(path: path)
        #expect(writer.repairedTail == nil)
        let extra = CaptureChunk(time: t0, direction: .rx, bytes: [1, 2, 3])
        try writer.append(extra)
        try writer.close()
        let result = try CaptureReader.readAll(path: path)
        var expected = layout.records.map(\.chunk)
        expected.remove(at: 4)
        #expect(result.capture.chunks == expected + [extra])
        #expect(result.warnings.map(\.offset) == [Int64(hit.lowerBound)])
    }

    @Test func aPipeOfACaptureReadsLikeTheFile() throws {
        let original = try readFile(SharedData.fixture("intellivue/sim-pty-seed1.bbcap"))
        let layout = try RecordLayout(original)
        var fds: [CInt] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let writer = PipeWriter(bytes: original, fd: fds[1])
        writer.start()
        let input = try CaptureInput(path: "/dev/fd/\(fds[0])", bufferSize: 4096)
        #expect(!input.isRegularFile)
        #expect(try CaptureFormatSniffer.kind(of: input) == .bbcap)
        let reader = try CaptureReader(input: input)
        #expect(try reader.transmitRecordInLookahead() == true)
        var read: [CaptureChunk] = []
        while let c = try reader.next() { read.append(c) }
        writer.join()
        close(fds[0])
        #expect(read == layout.records.map(\.chunk))
        #expect(reader.warnings.isEmpty)
    }
}

/// Writes bytes into a pipe from a thread of its own (a pipe holds only 64 KiB).
final class PipeWriter: @unchecked Sendable {
    private var thread = pthread_t()
    private let bytes: [UInt8]
    private let fd: CInt

    init(bytes: [UInt8], fd: CInt) {
        self.bytes = bytes
        self.fd = fd
    }

    func start() {
        let unmanaged = Unmanaged.passRetained(self)
        pthread_create(&thread, nil, { arg in
            let me = Unmanaged<PipeWriter>.fromOpaque(arg!).takeRetainedValue()
            me.bytes.withUnsafeBytes { raw in
                var at = 0
                while at < raw.count {
                    let n = write(me.fd, raw.baseAddress! + at, raw.count - at)
                    if n > 0 { at += n } else if errno != EINTR { break }
                }
            }
            close(me.fd)
            return nil
        }, unmanaged.toOpaque())
    }

    func join() { pthread_join(thread, nil) }
}
