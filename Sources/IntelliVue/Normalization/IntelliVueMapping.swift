import BedsideDriver
import BedsideModel

/// The IntelliVue → MDC/UCUM mapping tables (`Protocols/intellivue/metrics.tsv` and `units.tsv`),
/// embedded at build time and parsed once.
///
/// Metric identities use the vendor code scheme `intellivue:0x0002:0xPPPP` (SCADA partition 2 and the
/// physio id, lower-case hex). When the monitor labels the value with a Philips-private label
/// (TextId with the top bit set, e.g. the two "Pulse" numerics 0x80035402/0x80035405 that share
/// physio id NOM_PULS_RATE), the label is appended as `/label=0x80035402` so the two stay apart.
/// Unit codes are written `intellivue:0x0004:0xUUUU` in ``NumericReading/vendorUnit``.
public struct IntelliVueMapping: Sendable {
    struct MetricRow: Sendable {
        var referenceID: String
        var code: UInt32
    }

    struct UnitRow: Sendable {
        var ucum: String
    }

    private var metricsByPhysio: [UInt16: MetricRow] = [:]
    private var metricsByPhysioAndLabel: [UInt64: MetricRow] = [:]
    private var units: [UInt16: UnitRow] = [:]

    /// Number of metric and unit rows loaded.
    public var metricRowCount: Int { metricsByPhysio.count + metricsByPhysioAndLabel.count }
    public var unitRowCount: Int { units.count }

    public static let metricsTableName = "intellivue/metrics.tsv"
    public static let unitsTableName = "intellivue/units.tsv"

    /// The embedded tables, parsed once. A failure is a build-time bug (tests load the tables).
    public static let embedded: Result<IntelliVueMapping, Error> = Result {
        try IntelliVueMapping(metrics: EmbeddedProtocolTables.files[metricsTableName] ?? "",
                              units: EmbeddedProtocolTables.files[unitsTableName] ?? "")
    }

    /// An empty mapping: every code is forwarded unmapped.
    public init() {}

    /// Parses the two tables' text.
    public init(metrics: String, units unitText: String) throws {
        let m = try MappingTable(name: Self.metricsTableName, text: metrics,
                                 required: ["physio_id", "label_id", "reference_id", "mdc_code", "source"])
        for row in m.rows {
            guard let physio = row["physio_id"].flatMap(Self.parseHex).flatMap(UInt16.init(exactly:)),
                  let ref = row["reference_id"], let code = row["mdc_code"].flatMap(UInt32.init), row["source"] != nil
            else { throw TableError.badRow(table: Self.metricsTableName, line: row.line) }
            let value = MetricRow(referenceID: ref, code: code)
            if let label = row["label_id"] {
                guard let l = Self.parseHex(label).flatMap(UInt32.init(exactly:)) else {
                    throw TableError.badRow(table: Self.metricsTableName, line: row.line)
                }
                metricsByPhysioAndLabel[UInt64(l) << 16 | UInt64(physio)] = value
            } else {
                metricsByPhysio[physio] = value
            }
        }
        let u = try MappingTable(name: Self.unitsTableName, text: unitText, required: ["unit_code", "ucum", "source"])
        for row in u.rows {
            guard let code = row["unit_code"].flatMap(Self.parseHex).flatMap(UInt16.init(exactly:)), let ucum = row["ucum"],
                  row["source"] != nil
            else { throw TableError.badRow(table: Self.unitsTableName, line: row.line) }
            units[code] = UnitRow(ucum: ucum)
        }
    }

    public enum TableError: Error, CustomStringConvertible {
        case badRow(table: String, line: Int)
        public var description: String {
            switch self {
            case .badRow(let t, let l): "mapping table \(t) line \(l): a code is not hex or a required cell is empty"
            }
        }
    }

    /// The identity of a value with physio id `physio` under monitor label `label` (0 = unknown).
    public func metric(physio: UInt16, label: UInt32) -> MetricIdentity {
        let vendor = Self.vendorCode(physio: physio, label: label)
        if label != 0, let row = metricsByPhysioAndLabel[UInt64(label) << 16 | UInt64(physio)] {
            return MetricIdentity(referenceID: row.referenceID, code: row.code, vendorCode: vendor)
        }
        if let row = metricsByPhysio[physio] {
            return MetricIdentity(referenceID: row.referenceID, code: row.code, vendorCode: vendor)
        }
        return .unmapped(vendor)
    }

    /// UCUM for a unit code; `nil` for NOM_DIM_NOS and for codes the table does not know.
    public func ucum(unitCode: UInt16) -> String? { units[unitCode]?.ucum }

    public static func vendorCode(physio: UInt16, label: UInt32) -> String {
        var s = "intellivue:0x0002:0x" + hex(physio)
        if label & 0x8000_0000 != 0 { s += "/label=0x" + hex(label) }
        return s
    }

    public static func vendorUnit(_ code: UInt16) -> String { "intellivue:0x0004:0x" + hex(code) }

    static func parseHex(_ s: String) -> UInt64? {
        guard s.hasPrefix("0x") else { return nil }
        return UInt64(s.dropFirst(2), radix: 16)
    }
}
