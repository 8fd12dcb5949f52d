import BedsideDriver
import BedsideModel
import Testing
@testable import BBraunBCC

/// Damaged and truncated blocks never yield a value.
@Suite("BCC damage")
struct DamageTests {
    static let e7 = FramingVectorTests.bytes(FramingVectorTests.e7Text)

    @Test("Every single-bit flip of E7, plain and stuffed, is refused")
    func bitFlips() {
        for stuffing in [false, true] {
            let good = stuffing ? BCCStuffing.stuff(Self.e7) : Self.e7
            for i in 0..<good.count {
                for bit in 0..<8 {
                    var bad = good
                    bad[i] ^= UInt8(1 << bit)
                    var decoder = BCCFrameDecoder(stuffing: stuffing)
                    let frames = decoder.feed(bad).filter { if case .frame = $0 { true } else { false } }
                    #expect(frames.isEmpty, "flip at \(i) bit \(bit) (stuffing \(stuffing)) passed")
                }
            }
        }
    }

    @Test("Every truncation of E7 yields nothing, and the next intact frame still decodes")
    func truncations() {
        for cut in 0..<Self.e7.count {
            var decoder = BCCFrameDecoder(stuffing: false)
            let events = decoder.feed(Self.e7.prefix(cut)) + decoder.feed(Self.e7)
            let frames = events.filter { if case .frame = $0 { true } else { false } }
            #expect(frames.count == 1, "cut at \(cut)")
        }
    }

    @Test("A driver fed damaged answers puts no value on the feed")
    func driverGivesNothing() {
        var driver = BBraunBCCDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var output = DriverOutput()
        let t = Timestamp(secondsSinceEpoch: 1_800_000_000)
        driver.start(now: t, into: &output)
        for i in stride(from: 0, to: Self.e7.count, by: 7) {
            var bad = Self.e7
            bad[i] ^= 0x10
            driver.receive(bad, now: t, into: &output)
        }
        #expect(!output.observations.contains { if case .numeric = $0 { true } else { false } })
        #expect(!output.observations.contains { if case .pumpChannel = $0 { true } else { false } })
        // Listening only: the intact block is read.
        driver.receive(Self.e7, now: t, into: &output)
        #expect(output.observations.contains { if case .numeric = $0 { true } else { false } })
    }

    @Test("Records that are not quadruples are refused, the rest of the block is read")
    func badRecords() {
        let info = Array("3600,50111,INRT,1.0\u{1E}x,50111,INVI,2\u{1E}3600,59999,INVI,2\u{1E}3600,50111,,1\u{1E}3600,50111,INVI,2.5".utf8)
        let (records, rejected) = BCCQuadruple.parse(info)
        #expect(records.map(\.parameter) == ["INRT", "INVI"])
        #expect(rejected.count == 3)
    }

    @Test("Words: hex forms, decimal, and refusal of garbage")
    func words() {
        #expect(BCCWordFormat.auto.parse("0x00000400") == 1024)
        #expect(BCCWordFormat.auto.parse("00000400h") == 1024)
        #expect(BCCWordFormat.auto.parse("00000400") == 1024)
        #expect(BCCWordFormat.auto.parse("1024") == 1024)
        #expect(BCCWordFormat.decimal.parse("00000400") == 400)
        #expect(BCCWordFormat.auto.parse("0xZZ") == nil)
        #expect(BCCWordFormat.auto.parse("") == nil)
    }

    @Test("The embedded tables load whole")
    func tables() throws {
        let t = BCCTables.shared
        #expect(t.units.count == 156)
        #expect(t.units[31]?.ucum == "mg/mL" && t.units[31]?.mdcCode == 264306)
        #expect(t.units[69]?.ucum == "mg/kg/h" && t.units[69]?.mdcCode == 265650)
        #expect(t.parameters["INRT"]?.metric.code == 157784)
        #expect(t.alarms[.init(word: "ALARM1", bit: 10)]?.event?.code == 196940)
        #expect(t.alarms[.init(word: "ALARM1", bit: 13)]?.effect == .complete)
        #expect(t.alarms[.init(word: "PREALARM", bit: 2)]?.effect == .nearEnd)
        #expect((1...31).allSatisfy { t.alarms[.init(word: "ALARM1", bit: $0)] != nil || $0 == 21 })
    }
}
