import BedsideDriver
import Testing
@testable import Nonin

@Suite struct TableTests {
    @Test func embeddedTablesLoadWithEveryQualityFlag() throws {
        let t = try NoninTables(files: EmbeddedProtocolTables.files)
        let texts = Set(t.flags.map(\.text))
        for flag in ["artifact", "out of track", "sensor alarm (unusable data)", "low perfusion", "marginal perfusion",
                     "sensor disconnected"] {
            #expect(texts.contains { $0.hasPrefix(flag) }, "\(flag)")
        }
        #expect(t.flags.allSatisfy { $0.effect != .valid })
    }

    @Test func aMalformedTableIsRefused() {
        var files = EmbeddedProtocolTables.files
        files["nonin/flags.tsv"] = "formats\tbyte\tmask\ttext\teffect\talert\tsource\n2\tstatus\t0x20\tartifact\tbogus\t\tnotes\n"
        #expect(throws: (any Error).self) { try NoninTables(files: files) }
    }
}
