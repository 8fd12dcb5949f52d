import BedsideModel
import Testing
@testable import GEDatex

@Suite("GE request frames")
struct RequestFrameTests {
    static func hex(_ s: String) -> [UInt8] { s.split(separator: " ").map { UInt8($0, radix: 16)! } }

    @Test("displayed values every 5 s, ext1+2+3, level 11 — byte for byte")
    func displayedValues() {
        let frame = GEDatexFrameEncoder.frame(record: GEDatexRequest.displayedValues(
            intervalSeconds: 5, classes: [.basic, .ext1, .ext2, .ext3], driLevel: 11))
        #expect(frame == Self.hex("7e 31 00 00 0b 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 05 00 0e 00 00 00 00 00 4f 7e"))
    }

    @Test("stop displayed values, level 11")
    func stop() {
        let frame = GEDatexFrameEncoder.frame(record: GEDatexRequest.stopDisplayedValues(driLevel: 11))
        #expect(frame == Self.hex("7e 31 00 00 0b 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 3c 7e"))
    }

    @Test("start ECG1 + PLETH waveforms, level 11")
    func waves() {
        let frame = GEDatexFrameEncoder.frame(record: GEDatexRequest.waveforms(.startContinuous, ids: [1, 8], driLevel: 11))
        #expect(frame == Self.hex("7e 48 00 00 0b 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 08 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 5b 7e"))
    }

    @Test("GE tool frames (start every 10 s basic+ext3; stop) pass our decoder's checks")
    func geToolFrames() throws {
        let start = Self.hex("7e 31 00 00 00 e8 fd 25 04 07 67 00 00 00 00 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 0a 00 08 00 00 00 00 00 bf 7e")
        var stop = start
        stop.replaceSubrange(7..<11, with: Self.hex("33 06 07 67"))
        stop.replaceSubrange(42..<44, with: [0, 0])  // interval (record offset 41)
        stop[stop.count - 2] = 0xC5
        for frame in [start, stop] {
            var decoder = GEDatexFrameDecoder()
            var index = 0
            let outcome = frame.withUnsafeBytes { decoder.next(in: $0, from: &index) }
            #expect(outcome == .frame)
            let record = decoder.frameBytes.dropLast()
            let header = try #require(record.withUnsafeBytes { GEDatexRecordHeader(record: $0) })
            #expect(header.plugID == 0xFDE8)
            #expect(header.driLevel == 0)
            #expect(header.length == 49)
        }
        // Our encoder reproduces the GE tool's start frame from its fields.
        let ours = GEDatexRequest.displayedValues(intervalSeconds: 10, classes: [.basic, .ext3], driLevel: 0, time: 0x6707_0425)
        var patched = ours
        patched.storeLE(UInt16(0xFDE8), at: 4)
        #expect(GEDatexFrameEncoder.frame(record: patched) == start)
    }

    @Test("stuffing: 0x7E and 0x7D in the record and checksum are escaped and restored")
    func stuffing() {
        var record = GEDatexRequest.displayedValues(intervalSeconds: 0x7E, classes: .all, driLevel: 0x7D)
        record.storeLE(UInt32(0x7D7E_7D7E), at: 6)
        let frame = GEDatexFrameEncoder.frame(record: record)
        #expect(frame.dropFirst().dropLast().contains(0x7E) == false)
        var decoder = GEDatexFrameDecoder()
        var index = 0
        let outcome = frame.withUnsafeBytes { decoder.next(in: $0, from: &index) }
        #expect(outcome == .frame)
        #expect(Array(decoder.frameBytes.dropLast()) == record)
    }
}
