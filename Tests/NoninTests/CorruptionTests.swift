import BedsideDriver
import BedsideModel
import Testing
@testable import Nonin

/// Damaged and cut input never yields a value (formats 2/7: per-frame checksum; format 8 has none).
@Suite struct CorruptionTests {
    @Test func everySingleBitFlipOfTheRealPacketIsCaught() {
        let clean = run(realFormat2)
        let packet = 4 * 5..<(29 * 5)  // the packet's frames
        for i in packet {
            for bit in 0..<8 {
                var bytes = realFormat2
                bytes[i] ^= UInt8(1 << bit)
                let out = run(bytes)
                // The 8-bit sum changes by a power of two: the frame fails and its packet is lost.
                #expect(out.numerics.isEmpty && out.waves.isEmpty, "flip of bit \(bit) at \(i) yielded values")
                #expect(out.counters[.checksumErrors, default: 0] + out.counters[.malformedFrames, default: 0] > 0)
            }
        }
        #expect(!clean.numerics.isEmpty)
    }

    @Test func aLostOrExtraByteLosesOnlyItsPacket() {
        for i in stride(from: 21, to: 145, by: 7) {  // inside the packet (frames 4…28)
            var lost = realFormat2
            lost.remove(at: i)
            #expect(run(lost).numerics.isEmpty, "byte \(i) lost")
            var extra = realFormat2
            extra.insert(0x55, at: i)
            #expect(run(extra).numerics.isEmpty, "byte inserted at \(i)")
        }
        // A damaged packet followed by a good one: only the good one's values.
        var twice = realFormat2
        twice[60] ^= 0x10
        twice += realPacket(orStatus: 0)
        let out = run(twice)
        #expect(out.counters[.framesAccepted] == 1)
        #expect(out.reading("HR")?.value == DecimalValue(mantissa: 74))
    }

    @Test func format8PacketsOfTheWrongLengthAreRefused() {
        // A byte lost from the second packet: it is three bytes long and refused.
        let out = run([0x80, 0x48, 0x60, 0x00] + [0x80, 0x48, 0x00] + [0x80, 0x48, 0x61, 0x00, 0x80], options: ["format": "8"])
        #expect(out.counters[.malformedFrames] == 1)
        #expect(out.numerics.filter { $0.metric.vendorCode == "nonin:SPO2" }.map(\.value) == [DecimalValue(mantissa: 96), DecimalValue(mantissa: 97)])
    }

    @Test func chunkingDoesNotChangeTheOutput() {
        let stream = realFormat2 + realPacket(orStatus: 0x20) + realPacket(orStatus: 0)
        let whole = run(stream)
        for size in [1, 4, 13] {
            #expect(run(stream, chunk: size).observations == whole.observations, "chunks of \(size)")
        }
    }
}
