import BedsideDriver
import Testing
@testable import GEDinamap

@Suite struct TableTests {
    @Test func embeddedTablesLoadWithTheNotesStatuses() throws {
        let t = try GEDinamapTables(files: EmbeddedProtocolTables.files)
        // vital-signs-monitors.md §2.6: NA statuses 0-4, 6-9; OA 0, 1, 3, 6; TC 0-4.
        for c in "012346789" { #expect(t.status("NA", UInt8(ascii: c.unicodeScalars.first!)) != nil) }
        #expect(t.status("NA", UInt8(ascii: "5")) == nil)
        for c in "0136" { #expect(t.status("OA", UInt8(ascii: c.unicodeScalars.first!)) != nil) }
        for c in "01234" { #expect(t.status("TC", UInt8(ascii: c.unicodeScalars.first!)) != nil) }
        #expect(t.numerics["TC.temp"]?.unit == "[degF]")
    }

    @Test func aMalformedTableIsRefused() {
        var files = EmbeddedProtocolTables.files
        files["ge-dinamap/statuses.tsv"] = "reply\tstatus\ttext\tkind\tsource\nNA\t10\ttwo chars\tok\tnotes\n"
        #expect(throws: (any Error).self) { try GEDinamapTables(files: files) }
    }
}
