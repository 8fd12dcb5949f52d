import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

@Suite struct MappingTests {
    @Test func embeddedTablesLoadAndEveryRowHasASource() throws {
        let mapping = try IntelliVueMapping.embedded.get()
        #expect(mapping.metricRowCount >= 40)
        #expect(mapping.unitRowCount >= 20)
        for name in [IntelliVueMapping.metricsTableName, IntelliVueMapping.unitsTableName] {
            let text = try #require(EmbeddedProtocolTables.files[name])
            let table = try MappingTable(name: name, text: text, required: ["source"])
            #expect(table.rows.allSatisfy { $0["source"] != nil })
        }
    }

    @Test func requiredParametersAreMapped() throws {
        let m = try IntelliVueMapping.embedded.get()
        let expected: [(UInt16, String)] = [
            (0x4182, "MDC_ECG_HEART_RATE"), (0x4822, "MDC_PLETH_PULS_RATE"), (0x480a, "MDC_PULS_RATE"),
            (0x4bb8, "MDC_PULS_OXIM_SAT_O2"), (0x4a05, "MDC_PRESS_BLD_NONINV_SYS"), (0x4a06, "MDC_PRESS_BLD_NONINV_DIA"),
            (0x4a07, "MDC_PRESS_BLD_NONINV_MEAN"), (0x4a15, "MDC_PRESS_BLD_ART_ABP_SYS"), (0x4a16, "MDC_PRESS_BLD_ART_ABP_DIA"),
            (0x4a17, "MDC_PRESS_BLD_ART_ABP_MEAN"), (0x4a11, "MDC_PRESS_BLD_ART_SYS"), (0x4a12, "MDC_PRESS_BLD_ART_DIA"),
            (0x4a13, "MDC_PRESS_BLD_ART_MEAN"), (0x4a47, "MDC_PRESS_BLD_VEN_CENT_MEAN"), (0x500a, "MDC_RESP_RATE"),
            (0x5012, "MDC_AWAY_RESP_RATE"), (0x50b0, "MDC_AWAY_CO2_ET"), (0x50ba, "MDC_AWAY_CO2_INSP_MIN"),
            (0x4b48, "MDC_TEMP"), (0x4b60, "MDC_TEMP_CORE"), (0xe014, "MDC_TEMP_BLD"), (0x4bb0, "MDC_PULS_OXIM_PERF_REL"),
            (0x0102, "MDC_ECG_ELEC_POTL_II"), (0x4bb4, "MDC_PULS_OXIM_PLETH"), (0x50ac, "MDC_AWAY_CO2"),
        ]
        for (physio, ref) in expected {
            let id = m.metric(physio: physio, label: 0)
            #expect(id.referenceID == ref)
            #expect(id.code == 0x20000 + UInt32(physio))
        }
        #expect(m.ucum(unitCode: 0x0aa0) == "/min")
        #expect(m.ucum(unitCode: 0x0f20) == "mm[Hg]")
        #expect(m.ucum(unitCode: 0x17a0) == "Cel")
        #expect(m.ucum(unitCode: 0x0220) == "%")
        #expect(m.ucum(unitCode: 0) == nil)
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

    @Test func driverIsRegisteredUnderItsName() throws {
        let registry = DriverRegistry(drivers: [IntelliVueDriver.self], simulators: [IntelliVueSimulator.self])
        #expect(try registry.driverType(named: "intellivue") == IntelliVueDriver.self)
        #expect(IntelliVueDriver.descriptor.defaultSerialSettings.summary == "115200 8N1")
        #expect(throws: Never.self) { _ = try registry.makeSimulator(named: "intellivue") }
    }
}
