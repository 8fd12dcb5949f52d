import BedsideDriver
import Foundation
import Testing
@testable import BBraunBCC

/// Frames written out from the worked examples of pumps.md §1.14 (E1–E10), byte for byte as the
/// notes give them — not produced by our encoder.
@Suite("BCC framing vectors from the notes")
struct FramingVectorTests {
    /// `<SOH>` etc. spelled as in the notes, turned into bytes.
    static func bytes(_ notation: String) -> [UInt8] {
        var s = notation
        for (name, value) in [("<SOH>", "\u{01}"), ("<STX>", "\u{02}"), ("<ETX>", "\u{03}"), ("<EOT>", "\u{04}"),
                              ("<ETB>", "\u{17}"), ("<RS>", "\u{1E}")] {
            s = s.replacingOccurrences(of: name, with: value)
        }
        return Array(s.utf8)
    }

    static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    static let e7Text = "<SOH>00212<STX>ComSystem/1/1>3600,50100,FMNOR,1<RS>3600,50100,FMRT,FMS1NSNS<RS>3600,50111,GNMODEL,688F030006<RS>"
        + "3600,50111,INRT,12.50<RS>3600,50111,INVI,8.3<RS>3600,50111,INSOL,Ketamin500mg/50<RS>3600,50111,INM3,1<RS>"
        + "3600,50111,INA3,0<ETB>00215<EOT>"

    @Test("E1: ADMIN:ALIVE, plain and stuffed, equals the specification's literal")
    func e1() {
        let plain = Self.hex("01 30 30 30 33 31 02 31 2f 31 2f 31 3e 41 44 4d 49 4e 3a 41 4c 49 56 45 03 30 30 30 36 31 04")
        let stuffed = Self.hex("01 30 30 30 33 31 02 31 2f 31 2f 31 3e 41 45 58 4d 49 4e 3a 41 4c 49 56 45 45 03 30 30 30 36 31 04")
        #expect(Self.bytes("<SOH>00031<STX>1/1/1>ADMIN:ALIVE<ETX>00061<EOT>") == plain)
        #expect(BCCFraming.request("ADMIN:ALIVE", bedId: "1", stuffing: false) == plain)
        #expect(BCCFraming.request("ADMIN:ALIVE", bedId: "1", stuffing: true) == stuffed)
        #expect(BCCStuffing.destuff(stuffed) == plain)
        #expect(BCCFrameDecoder.check(stuffed, stuffing: true) == .frame(BCCFrame(bedId: "1", information: Array("ADMIN:ALIVE".utf8), terminator: .lastBlock)))
    }

    @Test("E2: GNACK answer, length 45, checksum 71; stuffed form has one extra 0x65")
    func e2() {
        let plain = Self.hex("01 30 30 30 34 35 02 43 6f 6d 53 79 73 74 65 6d 2f 31 2f 31 3e 32 30 36 2c 35 30 31 30 30 2c 47 4e 41 43 4b 2c 30 03 30 30 30 37 31 04")
        #expect(plain.count == 45)
        #expect(BCCFraming.checksum(plain[0..<(plain.count - 6)]) == 71)
        let stuffed = Self.bytes("<SOH>00045<STX>ComSysteem/1/1>206,50100,GNACK,0<ETX>00071<EOT>")
        #expect(BCCStuffing.stuff(plain) == stuffed)
        guard case .frame(let f) = BCCFrameDecoder.check(stuffed, stuffing: true) else { Issue.record("E2 refused"); return }
        #expect(f.bedId == "ComSystem")
        let (records, rejected) = BCCQuadruple.parse(f.information)
        #expect(rejected.isEmpty)
        #expect(records == [BCCQuadruple(time: 206, address: .comDevice, parameter: "GNACK", value: .text("0"))])
    }

    @Test("E3–E6: version, poll and slot requests as the bridge must send them")
    func requests() {
        #expect(BCCFraming.request("ADMIN:VERSION", bedId: "ComSystem", stuffing: false)
                == Self.bytes("<SOH>00041<STX>ComSystem/1/1>ADMIN:VERSION<ETX>00102<EOT>"))
        #expect(BCCFraming.request("ADMIN:VERSION", bedId: "ComSystem", stuffing: true)
                == Self.bytes("<SOH>00041<STX>ComSysteem/1/1>AEXMIN:VEERSION<ETX>00102<EOT>"))
        #expect(BCCFraming.request("MEM:GET", bedId: "ComSystem", stuffing: false)
                == Self.hex("01 30 30 30 33 35 02 43 6f 6d 53 79 73 74 65 6d 2f 31 2f 31 3e 4d 45 4d 3a 47 45 54 03 30 30 31 35 33 04"))
        #expect(BCCFraming.request("MEM:GET", bedId: "ComSystem", stuffing: true)
                == Self.bytes("<SOH>00035<STX>ComSysteem/1/1>MEEM:GEET<ETX>00153<EOT>"))
        #expect(BCCFraming.request("MEM:GETSLOT#13", bedId: "ComSystem", stuffing: false)
                == Self.bytes("<SOH>00042<STX>ComSystem/1/1>MEM:GETSLOT#13<ETX>00096<EOT>"))
    }

    @Test("E4: the version answer has three fields and no value")
    func e4() throws {
        let wire = Self.bytes("<SOH>00043<STX>ComSystem/1/1>207,50100,V3.30<ETX>00160<EOT>")
        guard case .frame(let f) = BCCFrameDecoder.check(wire, stuffing: false) else { Issue.record("E4 refused"); return }
        #expect(BCCQuadruple.parse(f.information).records == [BCCQuadruple(time: 207, address: .comDevice, parameter: "V3.30", value: nil)])
    }

    @Test("E7: first MEM:GET block (ETB), length 212, checksum 215, plain and stuffed")
    func e7() throws {
        let plain = Self.bytes(Self.e7Text)
        #expect(plain.count == 212)
        #expect(Array(plain.suffix(11)) == Self.hex("41 33 2c 30 17 30 30 32 31 35 04"))
        let stuffed = BCCStuffing.stuff(plain)
        let stuffedText = String(decoding: stuffed, as: UTF8.self)
        #expect(stuffedText.contains("ComSysteem") && stuffedText.contains("GNMOEXEEL") && stuffedText.contains("Keetamin"))
        for (wire, stuffing) in [(plain, false), (stuffed, true)] {
            guard case .frame(let f) = BCCFrameDecoder.check(wire, stuffing: stuffing) else { Issue.record("E7 refused"); return }
            #expect(f.terminator == .moreBlocks)
            let records = BCCQuadruple.parse(f.information).records
            #expect(records.count == 8)
            #expect(records[2] == BCCQuadruple(time: 3600, address: BCCAddress(pillar: 1, slot: 1), parameter: "GNMODEL", value: .text("688F030006")))
            #expect(records[5].value == .text("Ketamin500mg/50"))
        }
    }

    @Test("E8, E9: removed pump and bad slot answers")
    func e8e9() {
        let e8 = Self.hex("01 30 30 30 34 37 02 43 6f 6d 53 79 73 74 65 6d 2f 31 2f 31 3e 33 36 30 30 2c 35 30 31 31 32 2c 47 4e 45 52 52 2c 33 39 03 30 30 32 31 31 04")
        guard case .frame(let f8) = BCCFrameDecoder.check(e8, stuffing: false) else { Issue.record("E8 refused"); return }
        #expect(BCCQuadruple.parse(f8.information).records == [BCCQuadruple(time: 3600, address: BCCAddress(pillar: 1, slot: 2), parameter: "GNERR", value: .text("39"))])
        let e8Stuffed = String(decoding: BCCStuffing.stuff(e8), as: UTF8.self)
        #expect(e8Stuffed.contains("ComSysteem") && e8Stuffed.contains("GNEERR,39"))
        let e9 = Self.bytes("<SOH>00048<STX>ComSystem/1/1>3601,50131,GNERR,811<ETX>00004<EOT>")
        guard case .frame(let f9) = BCCFrameDecoder.check(e9, stuffing: false) else { Issue.record("E9 refused"); return }
        #expect(BCCQuadruple.parse(f9.information).records.first?.value == .text("811"))
    }

    @Test("E10: heavy stuffing, bed id BedE12, length 74 against 82 wire bytes, checksum 167")
    func e10() {
        let wire = Self.hex("""
            01 30 30 30 37 34 02 42 65 65 65 78 45 45 31 32 2f 31 2f 31 3e 34 32 2c 35 30 31 32 31 2c 47 4e 4e 45 45 57 2c \
            36 38 38 46 30 33 30 30 30 36 1e 34 32 2c 35 30 31 32 31 2c 49 4e 53 4f 4c 53 4e 2c 45 58 65 65 78 6d 65 65 65 \
            78 03 30 30 31 36 37 04
            """.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\n", with: " "))
        // The notes' prose says 87 stuffed bytes; their own hex listing (and 8 escapes on 74 bytes) is 82.
        #expect(wire.count == 82)
        let plain = Self.bytes("<SOH>00074<STX>BedE12/1/1>42,50121,GNNEW,688F030006<RS>42,50121,INSOLSN,Dexmed<ETX>00167<EOT>")
        #expect(BCCStuffing.destuff(wire) == plain)
        #expect(BCCStuffing.stuff(plain) == wire)
        guard case .frame(let f) = BCCFrameDecoder.check(wire, stuffing: true) else { Issue.record("E10 refused"); return }
        #expect(f.bedId == "BedE12")
        #expect(BCCQuadruple.parse(f.information).records.last?.value == .text("Dexmed"))
    }

    @Test("The specification's trap: wire EEX is text EX, not D")
    func escapeTrap() {
        #expect(BCCStuffing.destuff(Array("EEX".utf8)) == Array("EX".utf8))
        #expect(BCCStuffing.destuff(Array("EX".utf8)) == Array("D".utf8))
        // Strict: escape and follower of different case, a lone escape, or a bare D are refused.
        #expect(BCCStuffing.destuff(Array("Ex".utf8)) == nil)
        #expect(BCCStuffing.destuff(Array("eX".utf8)) == nil)
        #expect(BCCStuffing.destuff(Array("ABE".utf8)) == nil)
        #expect(BCCStuffing.destuff(Array("D".utf8)) == nil)
    }

    @Test("The specification's own short log lines (bed id edited after capture) do not verify and are refused")
    func specLogLinesRefused() {
        // S1 §3.2.6.3: GNACK printed with length 00044 and checksum 00109 for bed id ComSystem.
        let printed = Self.bytes("<SOH>00044<STX>ComSystem/1/1>206,50100,GNACK,0<ETX>00109<EOT>")
        #expect(BCCFrameDecoder.check(printed, stuffing: false) == .error(.lengthMismatch(declared: 44, actual: 45)))
    }

    @Test("Both address forms; the six-character one with a two-digit slot")
    func addresses() {
        #expect(BCCAddress(text: Array("5011A".utf8)) == BCCAddress(pillar: 1, slot: 10))
        #expect(BCCAddress(text: Array("501110".utf8)) == BCCAddress(pillar: 1, slot: 10))
        #expect(BCCAddress(text: Array("501112".utf8)) == BCCAddress(pillar: 1, slot: 12))
        #expect(BCCAddress(text: Array("5013O".utf8)) == BCCAddress(pillar: 3, slot: 24))
        #expect(BCCAddress(text: Array("50100".utf8)) == .comDevice)
        #expect(BCCAddress(text: Array("50140".utf8)) == nil)
        #expect(BCCAddress(text: Array("50110".utf8)) == nil)
        #expect(BCCAddress(text: Array("501125".utf8)) == nil)
        #expect(BCCAddress(text: Array("5011P".utf8)) == nil)
        #expect(BCCAddress(pillar: 2, slot: 11).text == "5012B")
    }

    @Test("A value may contain commas: split on the first three only")
    func commaInValue() {
        let q = BCCQuadruple.parse(Array("5,50111,INSOL,Drug, with comma".utf8)).records
        #expect(q.first?.value == .text("Drug, with comma"))
    }
}
