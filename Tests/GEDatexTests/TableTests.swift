import BedsideDriver
import Testing
@testable import GEDatex

@Suite("GE mapping tables")
struct TableTests {
    @Test("every embedded table parses and every row names its source")
    func tablesParse() throws {
        let names = GEDatexTables.embeddedNames
        #expect(Set(names) == ["ge-datex/labels.tsv", "ge-datex/numerics.tsv", "ge-datex/waveforms.tsv"])
        for name in names {
            let table = try MappingTable(name: name, text: try #require(GEDatexTables.embeddedText(name)), required: ["source"])
            #expect(!table.rows.isEmpty, "\(name) has rows")
            for row in table.rows {
                #expect(row["source"] != nil, "\(name) line \(row.line) has a source")
                if row["mdc_code"] != nil { #expect(row["mdc_refid"] != nil, "\(name) line \(row.line): code without refid") }
            }
        }
        let tables = try GEDatexTables(files: Dictionary(uniqueKeysWithValues: names.map { ($0, GEDatexTables.embeddedText($0)!) }))
        #expect(tables.fields[0].count > 60)
        #expect(tables.waves[8]?.name == "PLETH")
    }

    @Test("no two fields of a class overlap, and every field lies after its group header")
    func layout() {
        for (c, specs) in GEDatexTables.shared.fields.enumerated() {
            let offsets = specs.map(\.offset)
            #expect(Set(offsets).count == offsets.count, "class \(c) has duplicate offsets")
            for s in specs where !(s.group == "ecg_extra") {
                #expect(s.offset >= s.header + 6, "\(s.vendorCode) lies inside its header")
            }
        }
    }

    @Test("driver registry facts")
    func descriptor() {
        let d = GEDatexDriver.descriptor
        #expect(d.name == "ge-datex")
        #expect(d.defaultSerialSettings.summary == "19200 8E1 rts-cts")
        #expect(GEDatexSimulator.driverName == "ge-datex")
        #expect(d.nominalUpdatePeriodNanoseconds == 5_000_000_000)
        #expect(Set(d.options.map(\.name)) == ["waves", "classes", "alarms"])
    }

    @Test("options are declared and checked: unknown or malformed ones are refused, valid ones shape the plan")
    func options() throws {
        let d = GEDatexDriver.descriptor
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["colour": "on"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["waves": "pleth,bogus"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["alarms": "maybe"], for: d) }
        try DriverOptionSpec.validate(["waves": "pleth,co2", "classes": "basic,ext1", "alarms": "on"], for: d)
        let plan = GEDatexDriver.plan(for: DriverConfiguration(options: ["waves": "pleth,co2", "classes": "basic,ext1", "alarms": "on"]),
                                      tables: .shared)
        #expect(plan.waveIDs == [8, 9])
        #expect(plan.classes == [.basic, .ext1])
        #expect(plan.alarms)
        let defaults = GEDatexDriver.plan(for: DriverConfiguration(), tables: .shared)
        #expect(defaults.waveIDs == GEDatexDriver.defaultWaveIDs)
        #expect(defaults.classes == .all)
        #expect(!defaults.alarms)
        #expect(GEDatexDriver.plan(for: DriverConfiguration(options: ["waves": "none"]), tables: .shared).waveIDs.isEmpty)
    }

    @Test("every counter the driver emits has the standard shape")
    func counterNames() throws {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        var names = Set<String>()
        let bytes: [UInt8] = try FuzzTests.sourceRecords().flatMap { GEDatexFrameEncoder.frame(record: $0) } + [0x7E, 1, 2, 3, 0x7E]
        driver.receive(bytes, now: t0, into: &out)
        for (c, _) in out.counters {
            names.insert(c.name)
            #expect(c.isWellFormed, "\(c.name) is area.event-words")
        }
        #expect(names.contains("frames.ok"))
        #expect(names.contains("values.numerics"))
        #expect(names.contains("frames.malformed") || names.contains("frames.checksum-error") || names.contains("frames.length-error"))
        #expect(names.contains("values.waveforms") || !SharedData.available)
    }

    @Test("control codes: never a number, state and reason name the code")
    func controlCodes() {
        #expect(GEDatexControlCode.isControl(-32001))
        #expect(!GEDatexControlCode.isControl(-32000))
        #expect(GEDatexControlCode.state(for: -32767) == .absent)
        #expect(GEDatexControlCode.state(for: -32766) == .stale)
        #expect(GEDatexControlCode.state(for: -32765) == .invalid)
        #expect(GEDatexControlCode.state(for: -32764) == .underRange)
        #expect(GEDatexControlCode.state(for: -32763) == .overRange)
        #expect(GEDatexControlCode.state(for: -32762) == .invalid)
        #expect(GEDatexControlCode.state(for: -32100) == .invalid)
        #expect(GEDatexControlCode.reason(for: -32762).contains("not calibrated"))
        #expect(GEDatexControlCode.reason(for: -32100).contains("-32100"))
    }
}
