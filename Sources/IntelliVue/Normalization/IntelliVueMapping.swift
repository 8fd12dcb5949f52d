import BedsideDriver
import BedsideModel

/// The IntelliVue → MDC/UCUM mapping tables (`Protocols/intellivue/metrics.tsv`, `labels.tsv`,
/// `units.tsv`, `alerts.tsv`), embedded at build time and parsed once.
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
        /// Metric ordinal inside its channel (OBX-4), when the table gives one.
        var ordinal: UInt16?
    }

    /// What a monitor label says about the values under it: where they sit and which source they are.
    struct LabelRow: Sendable {
        var vmd: UInt16
        var vmdCode: UInt32?
        var channel: UInt16
        var channelCode: UInt32?
        var instance: UInt16
        var site: String?
        var derivedFrom: String?
    }

    struct UnitRow: Sendable {
        var ucum: String
    }

    /// Where one value goes in the feed's key: its instance, its OBX-4 path and the label's facts.
    public struct Placement: Hashable, Sendable {
        public var instance: UInt16 = 1
        public var containment: Containment?
        public var site: String?
        public var source: String?
    }

    private var metricsByPhysio: [UInt16: MetricRow] = [:]
    private var metricsByPhysioAndLabel: [UInt64: MetricRow] = [:]
    private var labels: [UInt32: LabelRow] = [:]
    private var units: [UInt16: UnitRow] = [:]
    private var events: [UInt16: MetricIdentity] = [:]

    /// Number of metric, label, unit and event rows loaded.
    public var metricRowCount: Int { metricsByPhysio.count + metricsByPhysioAndLabel.count }
    public var labelRowCount: Int { labels.count }
    public var unitRowCount: Int { units.count }
    public var eventRowCount: Int { events.count }

    public static let metricsTableName = "intellivue/metrics.tsv"
    public static let labelsTableName = "intellivue/labels.tsv"
    public static let unitsTableName = "intellivue/units.tsv"
    public static let alertsTableName = "intellivue/alerts.tsv"

    /// The embedded tables, parsed once. A failure is a build-time bug (tests load the tables).
    public static let embedded: Result<IntelliVueMapping, Error> = Result {
        try IntelliVueMapping(metrics: EmbeddedProtocolTables.files[metricsTableName] ?? "",
                              units: EmbeddedProtocolTables.files[unitsTableName] ?? "",
                              labels: EmbeddedProtocolTables.files[labelsTableName] ?? "",
                              alerts: EmbeddedProtocolTables.files[alertsTableName] ?? "")
    }

    /// An empty mapping: every code is forwarded unmapped.
    public init() {}

    /// Parses the tables' text (`labels` and `alerts` may be empty: no placements, no event codes).
    public init(metrics: String, units unitText: String, labels labelText: String = "", alerts alertText: String = "") throws {
        let m = try MappingTable(name: Self.metricsTableName, text: metrics,
                                 required: ["physio_id", "label_id", "reference_id", "mdc_code", "source"])
        for row in m.rows {
            guard let physio = row["physio_id"].flatMap(Self.parseHex).flatMap(UInt16.init(exactly:)),
                  let ref = row["reference_id"], let code = row["mdc_code"].flatMap(UInt32.init), row["source"] != nil
            else { throw TableError.badRow(table: Self.metricsTableName, line: row.line) }
            let ordinal = row["ordinal"].flatMap(UInt16.init)
            let value = MetricRow(referenceID: ref, code: code, ordinal: ordinal)
            if let label = row["label_id"] {
                guard let l = Self.parseHex(label).flatMap(UInt32.init(exactly:)) else {
                    throw TableError.badRow(table: Self.metricsTableName, line: row.line)
                }
                metricsByPhysioAndLabel[UInt64(l) << 16 | UInt64(physio)] = value
            } else {
                metricsByPhysio[physio] = value
            }
        }
        if !labelText.isEmpty {
            let t = try MappingTable(name: Self.labelsTableName, text: labelText,
                                     required: ["label_id", "vmd", "channel", "instance", "source"])
            for row in t.rows {
                guard let label = row["label_id"].flatMap(Self.parseHex).flatMap(UInt32.init(exactly:)),
                      let vmd = row["vmd"].flatMap(UInt16.init), let channel = row["channel"].flatMap(UInt16.init),
                      let instance = row["instance"].flatMap(UInt16.init), vmd > 0, channel > 0, instance > 0,
                      row["source"] != nil
                else { throw TableError.badRow(table: Self.labelsTableName, line: row.line) }
                labels[label] = LabelRow(vmd: vmd, vmdCode: row["vmd_code"].flatMap(UInt32.init), channel: channel,
                                         channelCode: row["channel_code"].flatMap(UInt32.init), instance: instance,
                                         site: row["site"], derivedFrom: row["derived_from"])
            }
        }
        let u = try MappingTable(name: Self.unitsTableName, text: unitText, required: ["unit_code", "ucum", "source"])
        for row in u.rows {
            guard let code = row["unit_code"].flatMap(Self.parseHex).flatMap(UInt16.init(exactly:)), let ucum = row["ucum"],
                  row["source"] != nil
            else { throw TableError.badRow(table: Self.unitsTableName, line: row.line) }
            units[code] = UnitRow(ucum: ucum)
        }
        if !alertText.isEmpty {
            let a = try MappingTable(name: Self.alertsTableName, text: alertText,
                                     required: ["al_code", "reference_id", "mdc_code", "source"])
            for row in a.rows {
                guard let code = row["al_code"].flatMap(UInt16.init), let ref = row["reference_id"],
                      let mdc = row["mdc_code"].flatMap(UInt32.init), row["source"] != nil
                else { throw TableError.badRow(table: Self.alertsTableName, line: row.line) }
                events[code] = MetricIdentity(referenceID: ref, code: mdc, vendorCode: "intellivue:0x0003:0x" + hex(code))
            }
        }
    }

    public enum TableError: Error, CustomStringConvertible {
        case badRow(table: String, line: Int)
        public var description: String {
            switch self {
            case .badRow(let t, let l): "mapping table \(t) line \(l): a code is not a number or a required cell is empty"
            }
        }
    }

    /// The identity of a value with physio id `physio` under monitor label `label` (0 = unknown).
    public func metric(physio: UInt16, label: UInt32) -> MetricIdentity {
        let vendor = Self.vendorCode(physio: physio, label: label)
        guard let row = row(physio: physio, label: label) else { return .unmapped(vendor) }
        return MetricIdentity(referenceID: row.referenceID, code: row.code, vendorCode: vendor)
    }

    private func row(physio: UInt16, label: UInt32) -> MetricRow? {
        if label != 0, let row = metricsByPhysioAndLabel[UInt64(label) << 16 | UInt64(physio)] { return row }
        return metricsByPhysio[physio]
    }

    /// Instance, OBX-4 path, site and source of a value with physio id `physio` under monitor label
    /// `label`. A label the table does not know gives instance 1 and no path: the value is still
    /// forwarded, keyed by its vendor code.
    public func placement(physio: UInt16, label: UInt32) -> Placement {
        guard let l = labels[label] else { return Placement() }
        var p = Placement(instance: l.instance, site: l.site, source: l.derivedFrom)
        if let ordinal = row(physio: physio, label: label)?.ordinal {
            p.containment = Containment(vmd: l.vmd, channel: l.channel, metric: ordinal, vmdCode: l.vmdCode,
                                        channelCode: l.channelCode)
        }
        return p
    }

    /// The MDC event (partition 3) an alert code names, when the table maps it. The low bit of the
    /// code only says how to read the alarm's source, so it is ignored.
    public func event(alertCode: UInt16) -> MetricIdentity? { events[alertCode & ~1] }

    /// UCUM for a unit code; `nil` for NOM_DIM_NOS and for codes the table does not know.
    public func ucum(unitCode: UInt16) -> String? { units[unitCode]?.ucum }

    /// The MDC unit code: IntelliVue unit codes are MDC dimension terms (partition 4), so every code
    /// but NOM_DIM_NOS (0, "no unit") has one, mapped to UCUM or not.
    public static func mdcUnitCode(_ code: UInt16) -> UInt32? { code == 0 ? nil : 4 << 16 | UInt32(code) }

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
