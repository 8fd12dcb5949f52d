import BedsideDriver
import Testing
@testable import MasimoASCII

@Suite struct TableTests {
    @Test func embeddedTablesLoadWithEveryBitOfTheNotes() throws {
        let t = try MasimoTables(files: EmbeddedProtocolTables.files)
        // monitors.md C.2: 22 EXC bits (0x1 … 0x400000 without 0x200) and 13 ALARM bits.
        #expect(t.exceptions.count == 22)
        #expect(t.alarms.count == 13)
        #expect(Set(t.exceptions.map(\.mask)).count == t.exceptions.count)
        #expect(t.numerics["SPO2"]?.metric.code == 150456)
        #expect(t.percentSign["SPO2"] == .yes && t.percentSign["PVI"] == MasimoTables.PercentSign.no)
    }

    @Test func aMalformedTableIsRefusedWithItsLine() {
        var files = EmbeddedProtocolTables.files
        files["masimo-ascii/exceptions.tsv"] = "bit\ttext\teffect\tfields\tsource\n0x3\ttwo bits\tinvalid\t\tnotes\n"
        #expect(throws: (any Error).self) { try MasimoTables(files: files) }
        files = EmbeddedProtocolTables.files
        // A row without its source.
        files["masimo-ascii/numerics.tsv"] = "field\treference_id\tmdc_code\tucum\tunit_code\tinstance\tvmd\tvmd_code\tchannel\tchannel_code\tdisplay\trange\tpercent\tsource\n"
            + "SPO2\tMDC_PULS_OXIM_SAT_O2\t150456\t%\t262688\t1\t1\t\t1\t\tSpO2\t0..100\tyes\t\n"
        #expect(throws: (any Error).self) { try MasimoTables(files: files) }
    }
}
