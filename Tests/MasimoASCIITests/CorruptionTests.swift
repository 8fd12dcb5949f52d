import BedsideDriver
import BedsideModel
import Testing
@testable import MasimoASCII

/// Damaged and cut input: ASCII 1 has no checksum, so the grammar is the only check. These tests
/// state exactly what it catches and what no receiver can catch.
@Suite struct CorruptionTests {
    static func isDigit(_ b: UInt8) -> Bool { (48...57).contains(b) }
    static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (65...70).contains(b) || (97...102).contains(b) }

    /// Every single-bit flip of every notes line: either the line is rejected and yields nothing,
    /// or it decodes to the same values, or the flip turned a letter or digit into another letter or
    /// digit (a number, a hex bit field, a key or the serial number changed within its grammar) or a
    /// sign into a digit — damage no receiver of an unchecked text protocol can see. Nothing else
    /// gets through, and most flips are caught.
    @Test(arguments: NotesLines.all)
    func singleBitFlipsAreRejectedUnlessUndetectable(line: String) {
        let original = Array(line.utf8)
        let clean = decodeBytes(original + [0x0D, 0x0A])
        func alnum(_ b: UInt8) -> Bool { Self.isDigit(b) || (65...90).contains(b) || (97...122).contains(b) }
        var rejected = 0
        for i in original.indices {
            for bit in 0..<8 {
                var bytes = original
                bytes[i] ^= UInt8(1 << bit)
                let out = decodeBytes(bytes + [0x0D, 0x0A])
                if out.counters[.framesAccepted] == nil {
                    rejected += 1
                    #expect(out.numerics.isEmpty && out.alarms.isEmpty && out.identity == nil)
                    continue
                }
                let same = out.numerics.map { [$0.value, $0.state] as [AnyHashable?] } == clean.numerics.map { [$0.value, $0.state] as [AnyHashable?] }
                    && out.numerics.map(\.metric) == clean.numerics.map(\.metric)
                let percentOrFive: Set<UInt8> = [UInt8(ascii: "%"), UInt8(ascii: "5")]
                let undetectable = (alnum(original[i]) && alnum(bytes[i]))
                    || (original[i] == UInt8(ascii: "-") && Self.isDigit(bytes[i]))
                    // '%' and '5' are one bit apart; BPM and PI are printed with and without '%'.
                    || (percentOrFive.contains(original[i]) && percentOrFive.contains(bytes[i]))
                #expect(same || undetectable,
                        "flip of bit \(bit) at \(i) ('\(Character(Unicode.Scalar(original[i])))' → 0x\(String(bytes[i], radix: 16))) accepted with other values")
            }
        }
        #expect(rejected > original.count * 8 / 2, "most flips must be caught: \(rejected) of \(original.count * 8)")
    }

    /// A line cut anywhere before its exception field, then ended (the device reset, or the tail
    /// was lost): rejected as incomplete.
    @Test(arguments: NotesLines.all)
    func aLineCutBeforeItsExceptionFieldYieldsNothing(line: String) {
        let bytes = Array(line.utf8)
        // Up to and including the '=' of `EXC=`. (A colour Rad-7 line cut after its EXC field, before
        // EXC1, keeps its values: they were complete; only EXC1's bits are missing.)
        let excKey = Array(" EXC=".utf8)
        let excStart = (0...(bytes.count - excKey.count)).first { Array(bytes[$0..<($0 + excKey.count)]) == excKey }!
        for cut in 1..<(excStart + excKey.count) {
            let out = decodeBytes(Array(bytes[..<cut]) + [0x0D, 0x0A])
            #expect(out.numerics.isEmpty && out.alarms.isEmpty, "cut at \(cut) yielded values")
        }
    }

    /// A line that lost its tail and runs into the next line: the next line's time stamp lands in a
    /// field and the joined line is rejected; the next complete line decodes.
    @Test(arguments: NotesLines.all)
    func aCutLineJoinedToTheNextYieldsOnlyTheNextLine(line: String) {
        let bytes = Array(line.utf8)
        let next = Array(NotesLines.rad8.utf8) + [0x0D, 0x0A]
        for cut in stride(from: 1, to: bytes.count, by: 3) {
            let out = decodeBytes(Array(bytes[..<cut]) + next + next)
            #expect(out.counters[.framesAccepted] == 1, "cut at \(cut): \(out.counters)")
            #expect(out.numerics.count == 7)
            #expect(out.counters[.malformedFrames] == 1)
        }
    }

    @Test func garbageAndOverlongLinesAreCountedAndResynchronise() {
        var bytes = [UInt8](repeating: 0x41, count: 2000) + [0x0A]
        bytes += [0x00, 0xFF] + Array("noise".utf8) + [0x0D, 0x0A]
        bytes += Array(NotesLines.rad8.utf8) + [0x0D, 0x0A]
        let out = decodeBytes(bytes)
        #expect(out.counters[.lengthErrors] == 1)
        #expect(out.counters[.malformedFrames] == 1)
        #expect(out.counters[.framesAccepted] == 1)
        #expect(out.reading("masimo:SPO2")?.value == dec("98"))
    }

    @Test func impossibleTimesAndMalformedValuesRejectTheWholeLine() {
        let bad = [
            "13/22/16 22:47:45 SPO2=098% ALARM=0000 EXC=000800",   // month 13
            "02/30/16 22:47:45 SPO2=098% ALARM=0000 EXC=000800",   // 30 February
            "02/22/16 24:47:45 SPO2=098% ALARM=0000 EXC=000800",   // hour 24
            "02/22/16 22:47:45 SPO2=0-8% ALARM=0000 EXC=000800",   // digits and dashes mixed
            "02/22/16 22:47:45 SPO2=09.8.% ALARM=0000 EXC=000800", // two points
            "02/22/16 22:47:45 SPO2=098% ALARM=00G0 EXC=000800",   // not hex
            "02/22/16 22:47:45 SPO2=098% SPO2=097% ALARM=0000 EXC=000800", // a key twice
            "02/22/16 22:47:45 SPO2=098% ALARM=0000",               // no EXC: cut short
            "02/22/16 22:47:45 spo2=098% ALARM=0000 EXC=000800",   // lower-case key
            "02/22/16 22:47:45 PI=03.605 ALARM=0000 EXC=000800",   // '%' read as '5': three decimals
            "02/22/16 22:47:45 BPM=0975 ALARM=0000 EXC=000800",    // four digits
        ]
        for line in bad {
            let out = decodeBytes(Array(line.utf8) + [0x0D, 0x0A])
            #expect(out.numerics.isEmpty && out.alarms.isEmpty, "\(line)")
            #expect(out.counters[.malformedFrames] == 1, "\(line)")
        }
    }

    @Test func aLineWithoutItsLineEndIsNeverDecoded() {
        let out = decodeBytes(Array(NotesLines.rad8.utf8) + [0x0D])
        #expect(out.numerics.isEmpty)
        #expect(out.counters.isEmpty)
    }

    @Test func chunkingDoesNotChangeTheOutput() {
        let stream: [UInt8] = NotesLines.all.flatMap { Array($0.utf8) + [0x0D, 0x0A] }
        let whole = decodeBytes(stream)
        for size in [1, 2, 7, 64] {
            var driver = MasimoASCIIDriver(configuration: DriverConfiguration())
            var out = DriverOutput()
            driver.start(now: t0, into: &out)
            var observations: [Observation] = []
            for start in stride(from: 0, to: stream.count, by: size) {
                out.reset()
                driver.receive(Array(stream[start..<min(start + size, stream.count)]), now: t0, into: &out)
                observations += out.observations
            }
            #expect(observations == whole.observations, "chunks of \(size)")
        }
    }
}
