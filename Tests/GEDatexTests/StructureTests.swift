import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

/// Records that pass the checksum but break what the protocol fixes are refused whole.
@Suite("GE: structural record checks")
struct StructureTests {
    /// A real-layout PHDB record (basic + ext1 at level 10) from the simulator.
    static func phdb(time: UInt32 = 1_000_000, level: UInt8 = 10) -> [UInt8] {
        let sim = GEDatexSimulator(configuration: .init())
        let subs = [GEDatexClass.basic, .ext1].map { sim.classBody($0, scenarioTime: 0).subrecord(time: time, driLevel: level) }
        return GEDatexRecordBuilder.phdb(subrecords: subs, number: 0, driLevel: level, time: time)
    }

    static func wave(time: UInt32 = 1_000_000) -> [UInt8] {
        GEDatexRecordBuilder.waveform([(8, [Int16](repeating: 100, count: 100)), (9, [Int16](repeating: 5, count: 25))],
                                      number: 0, driLevel: 10, time: time)
    }

    /// What the driver makes of one record: (observations that are not link events, counters).
    static func decode(_ records: [[UInt8]]) -> (data: [Observation], counters: [String: Int]) {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        var data: [Observation] = []
        var counters: [String: Int] = [:]
        for (k, r) in records.enumerated() {
            driver.receive(GEDatexFrameEncoder.frame(record: r), now: seconds(Double(k)), into: &out)
            data += out.observations.data
            for (c, v) in out.counters { counters[c.name, default: 0] += v }
            out.reset()
        }
        return (data, counters)
    }

    static func refused(_ record: [UInt8], counter: String, after good: [[UInt8]] = []) {
        let baseline = decode(good).data.count
        let (data, counters) = decode(good + [record])
        #expect(data.count == baseline, "nothing decoded from the damaged record")
        #expect(counters["frames.malformed"] == 1)
        #expect(counters[counter] == 1, "counted as \(counter): \(counters)")
    }

    @Test("intact simulator records pass every check")
    func intact() {
        let (data, counters) = Self.decode([Self.phdb(), Self.wave()])
        #expect(!data.isEmpty)
        #expect(counters["frames.ok"] == 2)
        #expect(counters["frames.malformed"] == nil)
    }

    @Test("a reserved header byte that is not zero")
    func reserved() {
        var r = Self.phdb()
        r[11] = 0x40
        Self.refused(r, counter: "records.reserved-not-zero")
    }

    @Test("a class word naming another level, class 4+ or a class twice")
    func classWord() {
        for damage in [UInt16(0x00B1), 0x04A1, 0x10A1, 0x01A1] {
            var r = Self.phdb()
            let at = 40 + 278 + 276  // second subrecord's cl_drilvl_subt
            r[at] = UInt8(damage & 0xFF)
            r[at + 1] = UInt8(damage >> 8)
            if damage == 0x01A1 { r[40 + 276 + 1] = 0x01 }  // both subrecords ext1
            Self.refused(r, counter: "records.bad-class-word")
        }
    }

    @Test("a subrecord time that disagrees with r_time (one of the two was damaged)")
    func subrecordTime() {
        var r = Self.phdb()
        r[40 + 2] ^= 0x01  // second-highest byte of the first subrecord's time: 65 536 s off
        Self.refused(r, counter: "records.time-mismatch")
    }

    @Test("subrecord offsets that leave a gap or do not fill the record")
    func layout() {
        var r = Self.phdb()
        r[16 + 3] ^= 0x02  // second descriptor's offset 278 → 276
        Self.refused(r, counter: "records.bad-layout")
        var w = Self.wave()
        w[40] ^= 0x01  // first wave's act_len 100 → 101: the next subrecord no longer follows it
        Self.refused(w, counter: "records.bad-layout")
    }

    @Test("a wave record whose time is far from the monitor's clock; a real clock change is accepted after three records")
    func timeJump() {
        Self.refused(Self.wave(time: 1_000_000 + 65_536), counter: "records.time-jump", after: [Self.phdb()])
        // PHDB time is cross-checked by its subrecords, so a jump forward is taken at once…
        #expect(Self.decode([Self.phdb(), Self.phdb(time: 1_000_000 + 86_400)]).counters["frames.ok"] == 2)
        // …and a jump back by a day needs three records that agree.
        let back = (0..<4).map { Self.phdb(time: 1_000_000 - 86_400 + UInt32($0)) }
        let (_, counters) = Self.decode([Self.phdb()] + back)
        #expect(counters["records.time-jump"] == 2)
        #expect(counters["frames.ok"] == 3)
    }
}
