import BedsideDriver
import BedsideModel

/// The embedded `Protocols/masimo-ascii` tables, parsed once.
public struct MasimoTables: Sendable {
    /// What a set exception bit does to the line's values.
    public enum Effect: String, Sendable {
        case invalid, questionable, calibrating
        /// The normal-operation flag (0x800 "Masimo SET"): no effect, no alert.
        case normal
    }

    public struct ExceptionBit: Sendable {
        public let mask: UInt32
        public let text: String
        public let effect: Effect
        /// The fields it applies to; empty: every value of the line.
        public let fields: [String]
    }

    public struct AlarmBit: Sendable {
        public enum Kind: String, Sendable { case physiological, technical, active, silenced }
        public let mask: UInt32
        public let text: String
        public let kind: Kind
        public let field: String?
    }

    /// Whether a field's value carries a `%` sign.
    public enum PercentSign: String, Sendable { case yes, no, either }

    public let numerics: MetricMappingTable
    /// The `percent` column of `numerics.tsv`, by field.
    public let percentSign: [String: PercentSign]
    /// The `digits` column: integer and fraction digits a number of the field is printed with.
    public let digits: [String: (integer: Int, fraction: Int)]
    public let exceptions: [ExceptionBit]
    public let alarms: [AlarmBit]

    public static let shared: MasimoTables = {
        do { return try MasimoTables(files: EmbeddedProtocolTables.files) } catch {
            fatalError("embedded Masimo tables are malformed (a build-time bug; run MasimoASCIITests): \(error)")
        }
    }()

    public init(files: [String: String]) throws {
        func text(_ name: String) throws -> String {
            guard let t = files["masimo-ascii/\(name)"] else {
                throw MetricMappingTable.LoadError(description: "missing table masimo-ascii/\(name)")
            }
            return t
        }
        func mask(_ row: MappingTable.Row, _ table: String) throws -> UInt32 {
            guard let t = row["bit"], t.hasPrefix("0x"), let v = UInt32(t.dropFirst(2), radix: 16), v != 0, v & (v - 1) == 0 else {
                throw MetricMappingTable.LoadError(description: "\(table) line \(row.line): bit must be one hex bit like 0x40")
            }
            return v
        }
        numerics = try MetricMappingTable(name: "numerics.tsv", text: try text("numerics.tsv"), keyColumn: "field",
                                          vendorPrefix: "masimo")
        var percent: [String: PercentSign] = [:]
        var digits: [String: (integer: Int, fraction: Int)] = [:]
        for row in try MappingTable(name: "numerics.tsv", text: try text("numerics.tsv"), required: ["field", "percent", "digits"]).rows {
            guard let f = row["field"], let p = row["percent"].flatMap(PercentSign.init(rawValue:)) else {
                throw MetricMappingTable.LoadError(description: "numerics.tsv line \(row.line): percent must be yes, no or either")
            }
            percent[f] = p
            if let d = row["digits"] {
                let parts = d.split(separator: ".", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), let i = Int(parts[0]), parts.count == 1 || Int(parts[1]) != nil else {
                    throw MetricMappingTable.LoadError(description: "numerics.tsv line \(row.line): digits must be like 3 or 2.2")
                }
                digits[f] = (i, parts.count == 2 ? Int(parts[1])! : 0)
            }
        }
        percentSign = percent
        self.digits = digits
        let exc = try MappingTable(name: "exceptions.tsv", text: try text("exceptions.tsv"),
                                   required: ["bit", "text", "effect", "fields", "source"])
        exceptions = try exc.rows.map { row in
            guard let t = row["text"], let e = row["effect"].flatMap(Effect.init(rawValue:)), row["source"] != nil else {
                throw MetricMappingTable.LoadError(description: "exceptions.tsv line \(row.line): text, effect and source are required")
            }
            return ExceptionBit(mask: try mask(row, "exceptions.tsv"), text: t, effect: e,
                                fields: row["fields"].map { $0.split(separator: ",").map(String.init) } ?? [])
        }
        let al = try MappingTable(name: "alarms.tsv", text: try text("alarms.tsv"), required: ["bit", "text", "kind", "field", "source"])
        alarms = try al.rows.map { row in
            guard let t = row["text"], let k = row["kind"].flatMap(AlarmBit.Kind.init(rawValue:)), row["source"] != nil else {
                throw MetricMappingTable.LoadError(description: "alarms.tsv line \(row.line): text, kind and source are required")
            }
            return AlarmBit(mask: try mask(row, "alarms.tsv"), text: t, kind: k, field: row["field"])
        }
    }
}
