import BedsideDriver
import BedsideModel

/// The BCC mapping tables (`Protocols/bbraun-bcc/parameters.tsv`, `units.tsv`, `alarms.tsv`),
/// embedded at build time and parsed once.
public struct BCCTables: Sendable {
    /// A pump parameter forwarded as a numeric.
    public struct Parameter: Sendable {
        public var code: String
        public var metric: MetricIdentity
        /// Fixed unit, when the specification gives one.
        public var unit: String?
        public var unitCode: UInt32?
        /// The key carrying this value's unit code (`INDCONU` for `INDCON`), when the unit varies.
        public var unitFrom: String?
        public var ordinal: UInt16
        public var display: String
    }

    /// A BCC unit code.
    public struct Unit: Sendable {
        public var code: Int
        public var symbol: String
        public var ucum: String?
        public var mdcCode: UInt32?
    }

    /// Which bit of which word (`ALARM1`, `ALARM2`, `PREALARM`, or `INA` for the single flags).
    public struct AlarmKey: Hashable, Sendable {
        public var word: String
        public var bit: Int
    }

    /// What an alarm bit means for the channel.
    public enum Effect: String, Sendable {
        /// The pump stops delivering.
        case stops
        /// The volume to be infused was reached.
        case complete
        /// Pre-alarm: the end of the infusion is near.
        case nearEnd = "near-end"
        /// Informational.
        case none
    }

    public struct Alarm: Sendable {
        public var key: AlarmKey
        public var text: String
        public var category: AlarmEvent.Category
        public var priority: AlarmEvent.Priority
        public var effect: Effect
        public var event: MetricIdentity?
    }

    public private(set) var parameters: [String: Parameter] = [:]
    /// Parameter codes in table order.
    public private(set) var parameterOrder: [String] = []
    public private(set) var units: [Int: Unit] = [:]
    public private(set) var alarms: [AlarmKey: Alarm] = [:]

    public static let parametersTableName = "bbraun-bcc/parameters.tsv"
    public static let unitsTableName = "bbraun-bcc/units.tsv"
    public static let alarmsTableName = "bbraun-bcc/alarms.tsv"

    /// The embedded tables. A failure is a build-time bug (the table test loads them).
    public static let shared: BCCTables = (try? BCCTables(
        parameters: EmbeddedProtocolTables.files[parametersTableName] ?? "",
        units: EmbeddedProtocolTables.files[unitsTableName] ?? "",
        alarms: EmbeddedProtocolTables.files[alarmsTableName] ?? "")) ?? BCCTables()

    init() {}

    public init(parameters: String, units: String, alarms: String) throws {
        let p = try MappingTable(name: Self.parametersTableName, text: parameters,
                                 required: ["code", "reference_id", "mdc_code", "ucum", "unit_code", "unit_from", "metric", "display", "source"])
        for row in p.rows {
            guard let code = row["code"], let ordinal = row["metric"].flatMap({ UInt16($0) }) else {
                throw BCCTableError.badRow(table: Self.parametersTableName, line: row.line)
            }
            let metric = row["reference_id"].map {
                MetricIdentity(referenceID: $0, code: row["mdc_code"].flatMap { UInt32($0) }, vendorCode: "bbraun-bcc:\(code)")
            } ?? .unmapped("bbraun-bcc:\(code)")
            self.parameters[code] = Parameter(code: code, metric: metric, unit: row["ucum"],
                                         unitCode: row["unit_code"].flatMap { UInt32($0) }, unitFrom: row["unit_from"],
                                         ordinal: ordinal, display: row["display"] ?? code)
            self.parameterOrder.append(code)
        }
        let u = try MappingTable(name: Self.unitsTableName, text: units,
                                 required: ["unit_code", "symbol", "ucum", "reference_id", "mdc_code", "source"])
        for row in u.rows {
            guard let code = row["unit_code"].flatMap({ Int($0) }), let symbol = row["symbol"] else {
                throw BCCTableError.badRow(table: Self.unitsTableName, line: row.line)
            }
            self.units[code] = Unit(code: code, symbol: symbol, ucum: row["ucum"], mdcCode: row["mdc_code"].flatMap { UInt32($0) })
        }
        let a = try MappingTable(name: Self.alarmsTableName, text: alarms,
                                 required: ["word", "bit", "text", "category", "priority", "effect", "reference_id", "mdc_code", "source"])
        for row in a.rows {
            guard let word = row["word"], let bit = row["bit"].flatMap({ Int($0) }), let text = row["text"],
                  let category = row["category"].flatMap({ AlarmEvent.Category(rawValue: $0) }),
                  let priority = row["priority"].flatMap({ AlarmEvent.Priority(rawValue: $0) }),
                  let effect = row["effect"].flatMap({ Effect(rawValue: $0) }) else {
                throw BCCTableError.badRow(table: Self.alarmsTableName, line: row.line)
            }
            let key = AlarmKey(word: word, bit: bit)
            let event = row["reference_id"].map { MetricIdentity(referenceID: $0, code: row["mdc_code"].flatMap { UInt32($0) },
                                                                 vendorCode: "bbraun-bcc:\(word).\(bit)") }
            self.alarms[key] = Alarm(key: key, text: text, category: category, priority: priority, effect: effect, event: event)
        }
    }

    /// The quantity for a unit code as the pump sent it: UCUM and MDC when known, the vendor code always.
    public func quantity(_ value: DecimalValue, unitCode: Int?) -> Quantity {
        guard let unitCode else { return Quantity(value, unit: nil) }
        let vendor = "bbraun-bcc:unit.\(unitCode)"
        guard let u = units[unitCode] else { return Quantity(value, unit: nil, vendorUnit: vendor) }
        return Quantity(value, unit: u.ucum, unitCode: u.mdcCode, vendorUnit: vendor)
    }
}

public enum BCCTableError: Error, CustomStringConvertible {
    case badRow(table: String, line: Int)

    public var description: String {
        switch self {
        case .badRow(let t, let l): "mapping table \(t) line \(l): a required cell is empty or not a number/known word"
        }
    }
}
