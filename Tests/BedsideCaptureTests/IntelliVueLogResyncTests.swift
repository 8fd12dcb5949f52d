import BedsideModel
import BedsideTestSupport
@testable import BedsideCapture
import Glibc
import Testing

/// Damaged copies of the real MP70 serial logs: every entry (stamp + frame) the damage does not
/// touch is read, and every byte is either decoded or in a reported range.
@Suite(.enabled(if: access(SharedData.path("intellivue-mp70"), R_OK) == 0,
                "needs ../shared/captures/intellivue-mp70 (or BEDSIDE_SHARED)"))
struct IntelliVueLogResyncTests {
    static let logs = ["mp70-serial-every.log", "mp70-serial-demo-mode.log", "mp70-serial-fluke-simulator.log",
                       "mp70-serial-everything2.log"]

    /// The intact log's entries with their byte ranges (entries are back to back).
    struct Entry {
        var range: Range<Int>
        var chunk: CaptureChunk
    }

    func entries(_ bytes: [UInt8], name: String) throws -> [Entry] {
        let reader = try IntelliVueSerialLogReader(input: CaptureInput(bytes: bytes, name: name))
        var at = 0
        var result: [Entry] = []
        while let chunk = try reader.next() {
            let size = IntelliVueSerialLog.stampLength + chunk.bytes.count
            result.append(Entry(range: at..<(at + size), chunk: chunk))
            at += size
        }
        #expect(reader.warnings.isEmpty, "\(name) is intact")
        #expect(at == bytes.count)
        return result
    }

    func read(_ bytes: [UInt8], name: String) throws -> (chunks: [CaptureChunk], warnings: [CaptureWarning]) {
        let reader = try IntelliVueSerialLogReader(input: CaptureInput(bytes: bytes, name: name))
        var chunks: [CaptureChunk] = []
        while let c = try reader.next() { chunks.append(c) }
        let decoded = chunks.reduce(0) { $0 + IntelliVueSerialLog.stampLength + $1.bytes.count }
        #expect(decoded + Int(reader.warnings.skippedBytes) == bytes.count, "\(name): every byte decoded or reported")
        return (chunks, reader.warnings)
    }

    /// Whether `got` holds every entry of `intact` outside `damage`, in order, and nothing else
    /// but entries whose bytes match (an entry hit only in its stamp's digits may read with another
    /// valid time: the log has no check on stamps).
    func expectEveryUntouchedEntry(_ got: [CaptureChunk], _ intact: [Entry], damage: Range<Int>, _ what: String) {
        let untouched = intact.filter { !$0.range.overlaps(damage) }.map(\.chunk)
        var i = 0
        for chunk in got where i < untouched.count && chunk == untouched[i] { i += 1 }
        #expect(i == untouched.count, "\(what): \(untouched.count - i) intact frames missing")
        #expect(got.count <= untouched.count + 1, "\(what)")
    }

    @Test("a log cut anywhere yields every complete frame and says cut short", arguments: logs)
    func truncated(name: String) throws {
        let bytes = try readFile(SharedData.path("intellivue-mp70/" + name))
        let intact = try entries(bytes, name: name)
        var rng = SplitMix64(state: 0x1A57)
        for _ in 0..<10 {
            let cut = Int.random(in: 30..<bytes.count, using: &rng)
            let (got, warnings) = try read(Array(bytes[..<cut]), name: name)
            let complete = intact.filter { $0.range.upperBound <= cut }
            #expect(got == complete.map(\.chunk), "cut at \(cut)")
            let lastEnd = complete.last?.range.upperBound ?? 0
            #expect(warnings.map(\.cause) == (lastEnd == cut ? [] : [.cutShort]), "cut at \(cut)")
            #expect(warnings.first.map { $0.offset == Int64(lastEnd) } ?? true)
        }
    }

    @Test("one flipped bit loses at most the entry it hit", arguments: logs)
    func flippedBit(name: String) throws {
        let bytes = try readFile(SharedData.path("intellivue-mp70/" + name))
        let intact = try entries(bytes, name: name)
        var rng = SplitMix64(state: 0xF11B)
        var flips = [bytes.count / 2]
        for _ in 0..<16 { flips.append(Int.random(in: 0..<bytes.count, using: &rng)) }
        for offset in flips {
            var damaged = bytes
            damaged[offset] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            let (got, warnings) = try read(damaged, name: name)
            expectEveryUntouchedEntry(got, intact, damage: offset..<(offset + 1), "\(name) flip at \(offset)")
            #expect(got.count >= intact.count - 1, "\(name) flip at \(offset)")
            #expect(warnings.allSatisfy { $0.cause == .damaged }, "\(name) flip at \(offset): \(warnings)")
            for w in warnings {
                #expect(w.offset <= Int64(offset) && Int64(offset) < w.endOffset, "\(name) flip at \(offset): \(w)")
            }
        }
    }

    @Test("a log whose logger lost bytes is decoded in its intact parts", arguments: logs)
    func lostBytes(name: String) throws {
        let bytes = try readFile(SharedData.path("intellivue-mp70/" + name))
        let intact = try entries(bytes, name: name)
        var rng = SplitMix64(state: 0x6A95)
        for _ in 0..<8 {
            let start = Int.random(in: 0..<(bytes.count - 5000), using: &rng)
            let length = Int.random(in: 1...4000, using: &rng)
            let gapped = Array(bytes[..<start]) + Array(bytes[(start + length)...])
            let (got, warnings) = try read(gapped, name: name)
            // Entries before the gap keep their offsets; those after it are compared by content.
            expectEveryUntouchedEntry(got, intact, damage: start..<(start + length), "\(name) gap \(start)+\(length)")
            let lostEntries = intact.filter { $0.range.overlaps(start..<(start + length)) }.count
            #expect(got.count >= intact.count - lostEntries, "\(name) gap \(start)+\(length)")
            #expect(warnings.count <= 2 && warnings.allSatisfy { $0.cause == .damaged }, "\(name) gap \(start)+\(length): \(warnings)")
        }
    }

    @Test func aTruncatedLogStreamsFromAFileAndReportsTheTail() throws {
        let bytes = try readFile(SharedData.path("intellivue-mp70/mp70-serial-every.log"))
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("cut.log")
        writeFile(path, Array(bytes[..<(bytes.count - 100)]))
        let input = try CaptureInput(path: path, bufferSize: 4096)
        #expect(try CaptureFormatSniffer.kind(of: input) == .intelliVueSerialLog)
        let reader = try IntelliVueSerialLogReader(input: input)
        var frames = 0
        while try reader.next() != nil { frames += 1 }
        #expect(frames == 787)
        #expect(reader.warnings.count == 1)
        #expect(reader.warnings.first?.cause == .cutShort)
        #expect(reader.warnings.first?.description.contains("cut short") == true)
        #expect(reader.header.driver == "intellivue")
    }

    @Test func aLogWithNoIntactFrameSaysWhy() {
        let stamp = Array("2014/05/19T19:36:43,490".utf8)
        #expect(throws: IntelliVueSerialLog.ImportError.unterminatedFrame(offset: 23)) {
            _ = try IntelliVueSerialLogReader(input: CaptureInput(bytes: stamp + [0xc0, 0x11], name: "x"))
        }
        // Checked frames: a frame without a valid FCS is not a frame.
        #expect(throws: IntelliVueSerialLog.ImportError.badFrameCheckSequence(offset: 23)) {
            _ = try IntelliVueSerialLogReader(input: CaptureInput(bytes: stamp + [0xc0, 0x01, 0xc1], name: "x"))
        }
    }
}
