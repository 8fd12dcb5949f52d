import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

@Suite struct MappingTests {
    @Test func embeddedTablesLoadAndEveryRowHasASource() throws {
        let mapping = try IntelliVueMapping.embedded.get()
        #expect(mapping.metricRowCount >= 40)
        #expect(mapping.unitRowCount >= 20)
        for name in [IntelliVueMapping.metricsTableName, IntelliVueMapping.unitsTableName, IntelliVueMapping.labelsTableName,
                     IntelliVueMapping.alertsTableName, IntelliVueRanges.tableName] {
            let text = try #require(EmbeddedProtocolTables.files[name])
            let table = try MappingTable(name: name, text: text, required: ["source"])
            #expect(table.rows.allSatisfy { $0["source"] != nil })
        }
    }

    @Test func requiredParametersAreMapped() throws {
        let m = try IntelliVueMapping.embedded.get()
        let expected: [(UInt16, String)] = [
            (0x4182, "MDC_ECG_HEART_RATE"),
            (0x4bb8, "MDC_PULS_OXIM_SAT_O2"), (0x4a05, "MDC_PRESS_BLD_NONINV_SYS"), (0x4a06, "MDC_PRESS_BLD_NONINV_DIA"),
            (0x4a07, "MDC_PRESS_BLD_NONINV_MEAN"), (0x4a15, "MDC_PRESS_BLD_ART_ABP_SYS"), (0x4a16, "MDC_PRESS_BLD_ART_ABP_DIA"),
            (0x4a17, "MDC_PRESS_BLD_ART_ABP_MEAN"), (0x4a11, "MDC_PRESS_BLD_ART_SYS"), (0x4a12, "MDC_PRESS_BLD_ART_DIA"),
            (0x4a13, "MDC_PRESS_BLD_ART_MEAN"), (0x4a47, "MDC_PRESS_BLD_VEN_CENT_MEAN"),
            (0x5012, "MDC_AWAY_RESP_RATE"), (0x50b0, "MDC_AWAY_CO2_ET"), (0x50ba, "MDC_AWAY_CO2_INSP_MIN"),
            (0x4b48, "MDC_TEMP"), (0x4b60, "MDC_TEMP_CORE"), (0xe014, "MDC_TEMP_BLD"), (0x4bb0, "MDC_PULS_OXIM_PERF_REL"),
            (0x0102, "MDC_ECG_ELEC_POTL_II"), (0x4bb4, "MDC_PULS_OXIM_PLETH"), (0x50ac, "MDC_AWAY_CO2"),
        ]
        for (physio, ref) in expected {
            let id = m.metric(physio: physio, label: 0)
            #expect(id.referenceID == ref)
            #expect(id.code == 0x20000 + UInt32(physio))
        }
        // Rates with several sources keep distinct terms (research/downstream.md §3): pulse from the
        // pleth, from an invasive pressure and from NBP; impedance and airway respiration rate.
        let distinct: [(UInt16, String, UInt32)] = [
            (0x4822, "MDC_PULS_OXIM_PULS_RATE", 149530), (0x480a, "MDC_BLD_PULS_RATE_INV", 149522),
            (0xf0e5, "MDC_PULS_RATE_NON_INV", 149546), (0x500a, "MDC_TTHOR_RESP_RATE", 151578), (0x5012, "MDC_AWAY_RESP_RATE", 151570),
        ]
        for (physio, ref, code) in distinct {
            #expect(m.metric(physio: physio, label: 0).referenceID == ref && m.metric(physio: physio, label: 0).code == code)
        }
        #expect(m.ucum(unitCode: 0x0aa0) == "/min")
        #expect(m.ucum(unitCode: 0x0f20) == "mm[Hg]")
        #expect(m.ucum(unitCode: 0x17a0) == "Cel")
        #expect(m.ucum(unitCode: 0x0220) == "%")
        #expect(m.ucum(unitCode: 0) == nil)
    }

    /// The ISO/IEEE 11073-10101 review: each row as the review asks, with the code it names.
    @Test func reviewCorrections() throws {
        let m = try IntelliVueMapping.embedded.get()
        func id(_ physio: UInt16, _ label: UInt32 = 0) -> MetricIdentity { m.metric(physio: physio, label: label) }
        #expect(id(0xf10c).referenceID == "MDC_TEMP_AXILLA" && id(0xf10c).code == 188452)  // axillary
        #expect(id(0xf0c4).code == 150344)  // vesical (bladder): MDC_TEMP with site
        #expect(m.placement(physio: 0xf0c4, label: 0x0002_f0c4).site == "vesical")
        // RAP, LAP, ICP means under the base term; their systolic and diastolic have terms.
        #expect(id(0x4a37).code == 150068 && id(0x4a33).code == 150064 && id(0x580b).code == 153608)
        #expect(id(0x4a35).referenceID == "MDC_PRESS_BLD_ATR_RIGHT_SYS" && id(0x5809).referenceID == "MDC_PRESS_INTRA_CRAN_SYS")
        // Umbilical and femoral are arterial.
        #expect(id(0x4a29).referenceID == "MDC_PRESS_BLD_ART_UMB_SYS" && id(0xf0bd).referenceID == "MDC_PRESS_BLD_ART_SYS")
        // Airway temperature is not a patient temperature.
        #expect(id(0x4b54).referenceID == "MDC_TEMP_AWAY")
        // Inhaled agents: specific end-tidal and inspired terms.
        #expect(id(0x5220).referenceID == "MDC_CONC_AWAY_SEVOFL_ET" && id(0x5274).referenceID == "MDC_CONC_AWAY_SEVOFL_INSP")
        // MAC (0xf099) and BIS have no sourced term: unmapped, never "mapped without a code".
        #expect(!id(0xf099).isMapped && id(0xf099).code == nil)
        // ST leads.
        #expect(id(0x0301).referenceID == "MDC_ECG_AMPL_ST_I" && id(0x0308).code == 131848 && id(0x0340).referenceID == "MDC_ECG_AMPL_ST_AVF")
        // Perfusion index in unit 1.
        #expect(m.ucum(unitCode: 0x0200) == "1")
        // Every mapped row has a code (MappingTable rows without one are rejected at load).
        #expect(m.metricRowCount >= 130 && m.labelRowCount >= 80 && m.eventRowCount >= 16)
    }

    /// Pressure labels P1–P4 and temperatures T1–T4 share one MDC term each and are told apart by instance.
    @Test func instancesComeFromTheLabel() throws {
        let m = try IntelliVueMapping.embedded.get()
        let p1 = m.placement(physio: 0xf0a5, label: 0x0002_f0a4), p2 = m.placement(physio: 0xf0a9, label: 0x0002_f0a8)
        #expect(m.metric(physio: 0xf0a5, label: 0x0002_f0a4).code == m.metric(physio: 0xf0a9, label: 0x0002_f0a8).code)
        #expect(p1.instance == 1 && p2.instance == 2 && p1.containment?.path == "1.4.1.1" && p2.containment?.path == "1.4.2.1")
        let t1 = m.placement(physio: 0xf0c7, label: 0x0002_f0c7), t4 = m.placement(physio: 0xf0ca, label: 0x0002_f0ca)
        #expect(t1.instance == 1 && t4.instance == 4 && t1.containment?.vmdCode == 69902)
        // A label the table does not know: instance 1, no path.
        #expect(m.placement(physio: 0x4182, label: 0x0002_9999) == IntelliVueMapping.Placement())
        #expect(m.event(alertCode: 40)?.code == 196648 && m.event(alertCode: 41)?.code == 196648 && m.event(alertCode: 61886) == nil)
        #expect(IntelliVueMapping.mdcUnitCode(0x0aa0) == 264864 && IntelliVueMapping.mdcUnitCode(0) == nil)
    }

    @Test func unknownCodesAreForwardedUnmapped() throws {
        let m = try IntelliVueMapping.embedded.get()
        let id = m.metric(physio: 0x4b04, label: 0x0002_4b04)
        #expect(!id.isMapped && id.vendorCode == "intellivue:0x0002:0x4b04")
        #expect(m.metric(physio: 0x480a, label: 0x8003_5402).vendorCode == "intellivue:0x0002:0x480a/label=0x80035402")
        #expect(IntelliVueMapping.vendorUnit(0x1234) == "intellivue:0x0004:0x1234")
    }

    @Test func malformedTablesAreRejectedWithTheLine() {
        #expect(throws: (any Error).self) {
            try IntelliVueMapping(metrics: "physio_id\tlabel_id\treference_id\tmdc_code\tsource\n4182\t\tX\t1\ts\n", units: "unit_code\tucum\tsource\n")
        }
    }

    @Test func descriptorDeclaresOptionsRangesAndPeriod() throws {
        let d = IntelliVueDriver.descriptor
        #expect(d.options.map(\.name) == ["demographics"])
        #expect(throws: Never.self) { try DriverOptionSpec.validate(["demographics": "on"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["demographics": "maybe"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["interval": "5"], for: d) }
        #expect(d.summary.contains("--interval is ignored"))
        #expect(d.nominalUpdatePeriodNanoseconds == 1_000_000_000)
        #expect(try IntelliVueRanges.parse(#require(EmbeddedProtocolTables.files[IntelliVueRanges.tableName])).byMetric.count
                == d.deviceRanges.byMetric.count)
        #expect(d.deviceRanges.range(for: MetricIdentity(referenceID: "MDC_PULS_OXIM_SAT_O2", code: 150456, vendorCode: "x"))
                == DeviceRanges.Range(0, 100))
    }

    @Test func driverIsRegisteredUnderItsName() throws {
        let registry = DriverRegistry(drivers: [IntelliVueDriver.self], simulators: [IntelliVueSimulator.self])
        #expect(try registry.driverType(named: "intellivue") == IntelliVueDriver.self)
        #expect(IntelliVueDriver.descriptor.defaultSerialSettings.summary == "115200 8N1")
        #expect(throws: Never.self) { _ = try registry.makeSimulator(named: "intellivue") }
    }
}
