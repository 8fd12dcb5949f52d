import BedsideDriver
import BedsideModel

/// The Asena mapping tables (`Protocols/alaris-asena/numerics.tsv`, `units.tsv`, `alarms.tsv`),
/// embedded at build time and parsed once.
public struct AsenaTables: Sendable {
    public struct Field: Sendable {
        public var metric: MetricIdentity
        public var ordinal: UInt16
        public var display: String
    }

    public struct Unit: Sendable {
        public var ucum: String
        public var mdcCode: UInt32?
    }

    public enum Effect: String, Sendable {
        case stops, complete
        case nearEnd = "near-end"
        case none
        case noAlarm = "no-alarm"
    }

    public struct Alarm: Sendable {
        public var code: String
        public var text: String
        public var category: AlarmEvent.Category
        public var priority: AlarmEvent.Priority
        public var effect: Effect
        public var event: MetricIdentity?
        public var confidence: String
    }

    public private(set) var fields: [String: Field] = [:]
    public private(set) var units: [String: Unit] = [:]
    public private(set) var alarms: [String: Alarm] = [:]

    public static let numericsTableName = "alaris-asena/numerics.tsv"
    public static let unitsTableName = "alaris-asena/units.tsv"
    public static let alarmsTableName = "alaris-asena/alarms.tsv"

    public static let shared: AsenaTables = (try? AsenaTables(
        numerics: EmbeddedProtocolTables.files[numericsTableName] ?? "",
        units: EmbeddedProtocolTables.files[unitsTableName] ?? "",
        alarms: EmbeddedProtocolTables.files[alarmsTableName] ?? "")) ?? AsenaTables()

    init() {}

    public init(numerics: String, units: String, alarms: String) throws {
        let n = try MappingTable(name: Self.numericsTableName, text: numerics,
                                 required: ["field", "reference_id", "mdc_code", "metric", "display", "source"])
        for row in n.rows {
            guard let field = row["field"], let ordinal = row["metric"].flatMap({ UInt16($0) }) else {
                throw AsenaTableError.badRow(table: Self.numericsTableName, line: row.line)
            }
            let metric = row["reference_id"].map { MetricIdentity(referenceID: $0, code: row["mdc_code"].flatMap { UInt32($0) },
                                                                  vendorCode: "alaris-asena:\(field)") }
                ?? .unmapped("alaris-asena:\(field)")
            self.fields[field] = Field(metric: metric, ordinal: ordinal, display: row["display"] ?? field)
        }
        let u = try MappingTable(name: Self.unitsTableName, text: units, required: ["unit", "ucum", "reference_id", "mdc_code", "source"])
        for row in u.rows {
            guard let unit = row["unit"], let ucum = row["ucum"] else { throw AsenaTableError.badRow(table: Self.unitsTableName, line: row.line) }
            self.units[unit] = Unit(ucum: ucum, mdcCode: row["mdc_code"].flatMap { UInt32($0) })
        }
        let a = try MappingTable(name: Self.alarmsTableName, text: alarms,
                                 required: ["code", "text", "category", "priority", "effect", "reference_id", "mdc_code", "confidence", "source"])
        for row in a.rows {
            guard let code = row["code"], let text = row["text"],
                  let category = row["category"].flatMap({ AlarmEvent.Category(rawValue: $0) }),
                  let priority = row["priority"].flatMap({ AlarmEvent.Priority(rawValue: $0) }),
                  let effect = row["effect"].flatMap({ Effect(rawValue: $0) }) else {
                throw AsenaTableError.badRow(table: Self.alarmsTableName, line: row.line)
            }
            let event = row["reference_id"].map { MetricIdentity(referenceID: $0, code: row["mdc_code"].flatMap { UInt32($0) },
                                                                 vendorCode: "alaris-asena:\(code)") }
            self.alarms[code] = Alarm(code: code, text: text, category: category, priority: priority, effect: effect,
                                      event: event, confidence: row["confidence"] ?? "unknown")
        }
    }

    /// A number with the unit the reply spelled.
    public func quantity(_ value: DecimalValue, unit spelled: String?) -> Quantity {
        guard let spelled, !spelled.isEmpty else { return Quantity(value, unit: nil) }
        let vendor = "alaris-asena:\(spelled)"
        guard let u = units[spelled] else { return Quantity(value, unit: nil, vendorUnit: vendor) }
        return Quantity(value, unit: u.ucum, unitCode: u.mdcCode, vendorUnit: vendor)
    }
}

public enum AsenaTableError: Error, CustomStringConvertible {
    case badRow(table: String, line: Int)

    public var description: String {
        switch self {
        case .badRow(let t, let l): "mapping table \(t) line \(l): a required cell is empty or not a known word/number"
        }
    }
}
