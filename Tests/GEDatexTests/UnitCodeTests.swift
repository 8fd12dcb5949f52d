import Testing
@testable import GEDatex

/// The MDC unit codes in the GE tables, pinned to the numbers our notes give (downstream.md §3,
/// pumps.md §3.3) and to the IEEE 11073 dimension codes the IntelliVue sends for the same units
/// (Protocols/intellivue/units.tsv): one UCUM unit, one code, in every row of both tables.
@Suite("GE unit codes")
struct UnitCodeTests {
    static let expected: [String: UInt32] = [
        "%": 262688, "mm[Hg]": 266016, "Cel": 268192, "1": 262656, "mL": 263762, "s": 264320, "kPa": 265987,
        "mm": 263442, "cm[H2O]": 266048, "uV": 266419, "L/min": 265216, "ms": 264338, "mL/min": 265234, "Ohm": 266432,
    ]

    @Test func everyCodedUnitHasTheSourcedCode() {
        let tables = GEDatexTables.shared
        var seen: [String: Set<UInt32>] = [:]
        for spec in tables.fields.joined() {
            guard let unit = spec.unit, let code = spec.unitCode else { continue }
            seen[unit, default: []].insert(code)
        }
        for wave in tables.waves.compactMap({ $0 }) {
            guard let unit = wave.unit, let code = wave.unitCode else { continue }
            seen[unit, default: []].insert(code)
        }
        // `/min` is two units in MDC: beats (264864) and breaths (264928).
        #expect(seen["/min"] == [264864, 264928])
        for (unit, codes) in seen where unit != "/min" {
            #expect(codes.count == 1 && codes.first == Self.expected[unit], "\(unit): \(codes.sorted())")
        }
        #expect(Set(Self.expected.keys).isSubset(of: Set(seen.keys).union(["s", "kPa"])))
    }
}
