import BedsideDriver
import BedsideModel

/// What an IntelliVue can report per metric (`Protocols/intellivue/ranges.tsv`), for
/// ``DriverDescriptor/deviceRanges``.
enum IntelliVueRanges {
    static let tableName = "intellivue/ranges.tsv"

    /// The embedded table; empty (no range checks) only if it fails to parse, which the tests catch.
    static let embedded: DeviceRanges = (try? parse(EmbeddedProtocolTables.files[tableName] ?? "")) ?? DeviceRanges()

    static func parse(_ text: String) throws -> DeviceRanges {
        let t = try MappingTable(name: tableName, text: text, required: ["reference_id", "lower", "upper", "source"])
        var byMetric: [String: DeviceRanges.Range] = [:]
        for row in t.rows {
            guard let ref = row["reference_id"], let lower = row["lower"].flatMap(DecimalValue.init),
                  let upper = row["upper"].flatMap(DecimalValue.init), !(upper < lower), row["source"] != nil
            else { throw IntelliVueMapping.TableError.badRow(table: tableName, line: row.line) }
            byMetric[ref] = DeviceRanges.Range(lower, upper)
        }
        return DeviceRanges(byMetric: byMetric)
    }
}
