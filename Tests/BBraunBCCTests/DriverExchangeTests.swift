import BedsideDriver
import BedsideModel
import Testing
@testable import BBraunBCC

/// The driver against the notes' exchange (pumps.md §1.5, §1.14): what it sends, when, and what
/// it makes of the answers.
@Suite("BCC driver exchange from the notes")
struct DriverExchangeTests {
    static let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
    static func at(_ seconds: Double) -> Timestamp { t0.adding(seconds: seconds) }

    struct Run {
        var driver = BBraunBCCDriver(configuration: DriverConfiguration())
        var output = DriverOutput()
        var sent: [UInt8] = []
        var observations: [Observation] = []

        mutating func collect() {
            sent += output.transmit
            observations += output.observations
            output.reset()
        }
        mutating func start() { driver.start(now: DriverExchangeTests.t0, into: &output); collect() }
        mutating func feed(_ notation: String, at t: Double) {
            driver.receive(FramingVectorTests.bytes(notation), now: DriverExchangeTests.at(t), into: &output); collect()
        }
        mutating func tick(_ t: Double) { driver.tick(now: DriverExchangeTests.at(t), into: &output); collect() }
    }

    @Test("ALIVE, ACK after 0.1 s, VERSION with the real bed id, MEM:GET, ACK per block; pump values from E7")
    func exchange() throws {
        var run = Run()
        run.start()
        #expect(run.sent == FramingVectorTests.bytes("<SOH>00031<STX>1/1/1>ADMIN:ALIVE<ETX>00061<EOT>"))
        run.sent = []
        run.feed("<SOH>00045<STX>ComSystem/1/1>206,50100,GNACK,0<ETX>00071<EOT>", at: 0.2)
        #expect(run.sent.isEmpty)
        run.tick(0.25)
        #expect(run.sent.isEmpty, "no <ACK> before 0.1 s")
        run.tick(0.3)
        #expect(run.sent == [0x06])
        run.sent = []
        run.tick(0.4)
        #expect(run.sent == FramingVectorTests.bytes("<SOH>00041<STX>ComSystem/1/1>ADMIN:VERSION<ETX>00102<EOT>"))
        run.sent = []
        run.feed("<SOH>00043<STX>ComSystem/1/1>207,50100,V3.30<ETX>00160<EOT>", at: 0.5)
        run.tick(0.6)
        #expect(run.sent == [0x06])
        run.sent = []
        run.tick(0.7)
        #expect(run.sent == FramingVectorTests.bytes("<SOH>00035<STX>ComSystem/1/1>MEM:GET<ETX>00153<EOT>"))
        run.sent = []
        run.feed(FramingVectorTests.e7Text, at: 1.0)
        let numerics = run.observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } }
        let rate = try #require(numerics.first { $0.metric.referenceID == "MDC_FLOW_FLUID_PUMP" })
        #expect(rate.value == DecimalValue("12.50") && rate.unit == "mL/h" && rate.unitCode == 265266)
        #expect(rate.subdevice == "pillar1/slot1" && rate.state == .valid)
        let vi = try #require(numerics.first { $0.metric.referenceID == "MDC_VOL_FLUID_DELIV_TOTAL" })
        #expect(vi.value == DecimalValue("8.3") && vi.unit == "mL")
        let channel = try #require(run.observations.compactMap { if case .pumpChannel(let p) = $0 { p } else { nil } }.first)
        #expect(channel.status == .infusing)  // INM3 = 1, no alarm flag
        #expect(channel.drug == "Ketamin500mg/50")
        #expect(run.driver.rack.known.keys.contains(BCCAddress(pillar: 1, slot: 1)))
        run.tick(1.1)
        #expect(run.sent == [0x06], "each block is acknowledged")
        run.sent = []
        // Last block: pump 50112 removed (never seen in this session: nothing to remove).
        run.feed("<SOH>00047<STX>ComSystem/1/1>3600,50112,GNERR,39<ETX>00211<EOT>", at: 1.4)
        run.tick(1.5)
        #expect(run.sent == [0x06])
        #expect(!run.observations.contains { if case .infusionEvent = $0 { true } else { false } },
                "the first look at a rack is its baseline")
    }

    @Test("A corrupted block is answered with <NAK> and yields no value")
    func nakOnBadBlock() {
        var run = Run()
        run.start()
        run.feed("<SOH>00045<STX>ComSystem/1/1>206,50100,GNACK,0<ETX>00071<EOT>", at: 0.2)
        run.tick(0.3); run.tick(0.4)
        run.feed("<SOH>00043<STX>ComSystem/1/1>207,50100,V3.30<ETX>00160<EOT>", at: 0.5)
        run.tick(0.6); run.tick(0.7)
        run.sent = []
        run.observations = []
        var bad = FramingVectorTests.bytes(FramingVectorTests.e7Text)
        bad[60] ^= 0x01
        run.driver.receive(bad, now: Self.at(2.0), into: &run.output)
        run.collect()
        run.tick(2.1)
        #expect(run.sent == [0x15])
        #expect(!run.observations.contains { if case .numeric = $0 { true } else { false } })
    }

    @Test("A late block (after the time-outs sent the driver back to ADMIN:ALIVE) is read, not taken for a refusal")
    func lateBlock() {
        var run = Run()
        run.start()
        run.feed("<SOH>00045<STX>ComSystem/1/1>206,50100,GNACK,0<ETX>00071<EOT>", at: 0.2)
        run.tick(0.3); run.tick(0.4)
        run.feed("<SOH>00043<STX>ComSystem/1/1>207,50100,V3.30<ETX>00160<EOT>", at: 0.5)
        run.tick(0.6); run.tick(0.7)   // MEM:GET
        run.tick(3.7)                  // no block: resent
        run.tick(6.7)                  // still none: silent, ADMIN:ALIVE again
        #expect(run.observations.contains { if case .link(let l) = $0 { l.kind == .silent } else { false } })
        run.observations = []
        run.feed(FramingVectorTests.e7Text, at: 7.6)
        #expect(run.observations.contains { if case .numeric(let r) = $0 { r.value == DecimalValue("12.50") } else { false } })
        #expect(!run.observations.contains { if case .link(let l) = $0 { l.kind == .error } else { false } })
    }

    /// Frames built here from the notes' grammar; their length and checksum are computed by the
    /// framing under test, which E1–E10 check independently.
    static func block(_ records: [String], last: Bool = true) -> String {
        String(decoding: BCCFraming.plainFrame(bedId: "ComSystem", information: Array(records.joined(separator: "\u{1E}").utf8),
                                               terminator: last ? .lastBlock : .moreBlocks), as: UTF8.self)
    }

    /// A run polled up to its first MEM:GET, listening only so every block is read in order.
    static func listening() -> Run {
        var run = Run()
        run.driver = BBraunBCCDriver(configuration: DriverConfiguration(transmitEnabled: false))
        run.start()
        return run
    }

    @Test("GNERR codes: 4x is a link error for that pump (once), 5x a rack error that removes no pump, 11 an empty rack")
    func errorCodes() {
        var run = Self.listening()
        let pump = ["10,50111,GNMODEL,688F030006", "10,50111,INRT,1.00", "10,50111,INM3,1"]
        run.feed(Self.block(pump), at: 1)
        run.feed(Self.block(["15,50111,GNERR,41"]), at: 6)
        run.feed(Self.block(["20,50111,GNERR,41"]), at: 11)
        let pumpErrors = run.observations.compactMap { if case .link(let l) = $0, l.kind == .error, l.subdevice == "pillar1/slot1" { l } else { nil } }
        #expect(pumpErrors.count == 1)
        #expect(pumpErrors.first?.detail?.contains("GNERR 41") == true)
        run.observations = []
        run.feed(Self.block(["25,50100,GNERR,51"]), at: 16)
        #expect(run.observations.contains { if case .link(let l) = $0 { l.kind == .error && l.subdevice == nil } else { false } })
        #expect(!run.observations.contains { if case .infusionEvent(let e) = $0 { e.kind == .pumpRemoved } else { false } })
        run.observations = []
        run.feed(Self.block(["30,50100,GNERR,11"]), at: 21)
        #expect(run.observations.contains { if case .infusionEvent(let e) = $0 { e.kind == .pumpRemoved && e.subdevice == "pillar1/slot1" } else { false } })
    }

    @Test("A pump inserted after the first cycle (GNNEW) is added; _NV and 65535 are absent, not zero")
    func insertion() throws {
        var run = Self.listening()
        run.feed(Self.block(["10,50100,FMNOR,1"]), at: 1)
        run.feed(Self.block(["15,50112,GNNEW,686L030007", "15,50112,INRT,_NV", "15,50112,INRMT,65535", "15,50112,INVI,0.0"]), at: 6)
        let added = run.observations.compactMap { if case .infusionEvent(let e) = $0, e.kind == .pumpAdded { e } else { nil } }
        #expect(added.map(\.subdevice) == ["pillar1/slot2"])
        let numerics = run.observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } }
        let rate = try #require(numerics.first { $0.metric.referenceID == "MDC_FLOW_FLUID_PUMP" })
        #expect(rate.state == .absent && rate.value == nil)
        let remaining = try #require(numerics.first { $0.metric.referenceID == "MDC_TIME_PD_REMAIN" })
        #expect(remaining.state == .absent && remaining.reason?.hasPrefix("65535") == true)
    }
}
