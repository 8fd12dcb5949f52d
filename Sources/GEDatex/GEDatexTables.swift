import BedsideDriver
import BedsideModel

/// PHDB class selector (`cl_drilvl_subt` bits 8–11).
public enum GEDatexClass: Int, Sendable, CaseIterable {
    case basic = 0, ext1 = 1, ext2 = 2, ext3 = 3

    /// Name used in tables and vendor codes.
    public var name: String {
        switch self {
        case .basic: "basic"
        case .ext1: "ext1"
        case .ext2: "ext2"
        case .ext3: "ext3"
        }
    }

    init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}

/// Pressure component of an invasive or non-invasive pressure group.
enum GEDatexPressureComponent: String, Sendable { case sys, dia, mean }

/// How a group's status word qualifies its values beyond "exists/active" (monitors.md A.9).
enum GEDatexGroupKind: Sendable {
    case ecg, pressure, nibp, co2, gas, flowVolume, plain

    init(group: String) {
        switch group {
        case "ecg", "ecg_extra": self = .ecg
        case "nibp": self = .nibp
        case "co2": self = .co2
        case "o2", "n2o", "aa": self = .gas
        case "flow_vol": self = .flowVolume
        default:
            if group.count == 2, group.hasPrefix("p"), group.last!.isNumber { self = .pressure } else { self = .plain }
        }
    }
}

/// One row of `numerics.tsv`, resolved once for the hot path.
struct GEDatexFieldSpec: Sendable {
    enum Rule: Sendable {
        case fixed
        case hrSource
        case ecgLead(channel: Int)
        case pressureSite(GEDatexPressureComponent)
        case temperatureSite
        case co2RespirationSource
        case spo2Slot
        case agent(endTidal: Bool)
        case nibp
        case staleLabelBit(Int)
    }

    let phdbClass: GEDatexClass
    let group: String
    let field: String
    let offset: Int
    /// Offset of the group's `{u32 status, u16 label}` header.
    let header: Int
    let exponent: Int8
    let unit: String?
    let rule: Rule
    let label: String?
    let groupKind: GEDatexGroupKind
    /// Invasive pressure channel number (1…8) for `pN` groups, else 0.
    let pressureChannel: Int
    /// `ge:<class>.<group>.<field>`.
    let vendorCode: String
    /// Metric when the rule does not choose another one (unmapped when the row has no MDC id).
    let metric: MetricIdentity
}

/// One row of `labels.tsv`.
struct GEDatexLabelEntry: Sendable {
    let label: String
    let component: String
    let referenceID: String?
    let code: UInt32?
}

/// A label rule's rows, by code, with the `*` fallback.
struct GEDatexLabelMap: Sendable {
    var rows: [String: [GEDatexLabelEntry]] = [:]
    var fallback: [GEDatexLabelEntry] = []

    func entry(_ code: Int, component: String = "") -> GEDatexLabelEntry? { entry(String(code), component: component) }

    func entry(_ code: String, component: String = "") -> GEDatexLabelEntry? {
        if let list = rows[code], let e = list.first(where: { $0.component == component }) ?? (component.isEmpty ? list.first : nil) {
            return e
        }
        return fallback.first(where: { $0.component == component }) ?? (component.isEmpty ? fallback.first : nil)
    }
}

/// One row of `waveforms.tsv`.
struct GEDatexWaveSpec: Sendable {
    enum Rule: Sendable { case fixed, ecgLead(channel: Int), pressure(channel: Int) }
    let id: UInt8
    let name: String
    let sampleRateHz: Int
    let exponent: Int8
    let unit: String?
    let rule: Rule
    let vendorCode: String
    let metric: MetricIdentity
    var samplePeriodNanoseconds: Int64 { 1_000_000_000 / Int64(sampleRateHz) }
}

/// The embedded mapping tables, parsed once.
struct GEDatexTables: Sendable {
    /// Fields per class, ordered by offset.
    let fields: [[GEDatexFieldSpec]]
    let labels: [String: GEDatexLabelMap]
    /// Indexed by waveform id.
    let waves: [GEDatexWaveSpec?]

    static let shared: GEDatexTables = {
        do { return try GEDatexTables(files: EmbeddedProtocolTables.files) } catch {
            fatalError("embedded GE tables are malformed (a build-time bug; run the GEDatex tests): \(error)")
        }
    }()

    /// Names of the embedded tables, for tools and tests.
    static var embeddedNames: [String] { EmbeddedProtocolTables.files.keys.sorted() }
    static func embeddedText(_ name: String) -> String? { EmbeddedProtocolTables.files[name] }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    init(files: [String: String]) throws {
        func table(_ name: String, _ required: [String]) throws -> MappingTable {
            guard let text = files["ge-datex/\(name)"] else { throw LoadError(description: "missing table ge-datex/\(name)") }
            return try MappingTable(name: name, text: text, required: required + ["source"])
        }
        func metric(_ row: MappingTable.Row, vendorCode: String) throws -> MetricIdentity {
            guard let ref = row["mdc_refid"] else { return .unmapped(vendorCode) }
            var code: UInt32?
            if let c = row["mdc_code"] {
                guard let v = UInt32(c) else { throw LoadError(description: "line \(row.line): bad mdc_code '\(c)'") }
                code = v
            }
            return MetricIdentity(referenceID: ref, code: code, vendorCode: vendorCode)
        }

        // labels.tsv
        let labelTable = try table("labels.tsv", ["rule", "code", "label", "component", "mdc_refid", "mdc_code"])
        var labels: [String: GEDatexLabelMap] = [:]
        for row in labelTable.rows {
            guard let rule = row["rule"], let codeText = row["code"], row["source"] != nil else {
                throw LoadError(description: "labels.tsv line \(row.line): rule, code and source are required")
            }
            var code: UInt32?
            if let c = row["mdc_code"] { code = UInt32(c) }
            let e = GEDatexLabelEntry(label: row["label"] ?? "", component: row["component"] ?? "",
                                      referenceID: row["mdc_refid"], code: code)
            if codeText == "*" {
                labels[rule, default: .init()].fallback.append(e)
            } else {
                labels[rule, default: .init()].rows[codeText, default: []].append(e)
            }
        }
        self.labels = labels

        // numerics.tsv
        let numerics = try table("numerics.tsv", ["class", "group", "field", "offset", "header", "exponent", "unit",
                                                  "rule", "component", "label", "mdc_refid", "mdc_code"])
        var fields = Array(repeating: [GEDatexFieldSpec](), count: GEDatexClass.allCases.count)
        for row in numerics.rows {
            guard let className = row["class"], let cls = GEDatexClass(name: className), let group = row["group"],
                  let field = row["field"], let offset = row["offset"].flatMap(Int.init),
                  let header = row["header"].flatMap(Int.init), let exponent = row["exponent"].flatMap(Int8.init),
                  row["source"] != nil,
                  offset >= 0, offset + 2 <= GEDatexWire.phdbClassBodyLength,
                  header >= 0, header + 6 <= GEDatexWire.phdbClassBodyLength
            else { throw LoadError(description: "numerics.tsv line \(row.line): malformed row") }
            let component = row["component"] ?? ""
            let rule: GEDatexFieldSpec.Rule
            switch row["rule"] ?? "fixed" {
            case "fixed": rule = .fixed
            case "hr-source": rule = .hrSource
            case "ecg-lead": rule = .ecgLead(channel: Int(component) ?? 1)
            case "pressure-site":
                guard let c = GEDatexPressureComponent(rawValue: component) else {
                    throw LoadError(description: "numerics.tsv line \(row.line): pressure component '\(component)'")
                }
                rule = .pressureSite(c)
            case "temp-site": rule = .temperatureSite
            case "co2-rr-source": rule = .co2RespirationSource
            case "spo2-slot": rule = .spo2Slot
            case "agent": rule = .agent(endTidal: component == "et")
            case "nibp": rule = .nibp
            case "stale-label-bit0": rule = .staleLabelBit(0)
            case "stale-label-bit1": rule = .staleLabelBit(1)
            case let other: throw LoadError(description: "numerics.tsv line \(row.line): unknown rule '\(other)'")
            }
            let vendorCode = "ge:\(cls.name).\(group).\(field)"
            fields[cls.rawValue].append(GEDatexFieldSpec(
                phdbClass: cls, group: group, field: field, offset: offset, header: header, exponent: exponent,
                unit: row["unit"], rule: rule, label: row["label"], groupKind: GEDatexGroupKind(group: group),
                pressureChannel: group.hasPrefix("p") ? Int(group.dropFirst()) ?? 0 : 0,
                vendorCode: vendorCode, metric: try metric(row, vendorCode: vendorCode)))
        }
        self.fields = fields.map { $0.sorted { $0.offset < $1.offset } }

        // waveforms.tsv
        let waveTable = try table("waveforms.tsv", ["wave_id", "name", "sample_rate_hz", "exponent", "unit", "rule",
                                                     "mdc_refid", "mdc_code"])
        var waves = [GEDatexWaveSpec?](repeating: nil, count: 256)
        for row in waveTable.rows {
            guard let id = row["wave_id"].flatMap(UInt8.init), let name = row["name"],
                  let rate = row["sample_rate_hz"].flatMap(Int.init), rate > 0,
                  let exponent = row["exponent"].flatMap(Int8.init), row["source"] != nil
            else { throw LoadError(description: "waveforms.tsv line \(row.line): malformed row") }
            let ruleText = row["rule"] ?? "fixed"
            let rule: GEDatexWaveSpec.Rule
            if ruleText.hasPrefix("ecg-lead:"), let n = Int(ruleText.dropFirst(9)) {
                rule = .ecgLead(channel: n)
            } else if ruleText.hasPrefix("pressure:"), let n = Int(ruleText.dropFirst(9)) {
                rule = .pressure(channel: n)
            } else if ruleText == "fixed" {
                rule = .fixed
            } else {
                throw LoadError(description: "waveforms.tsv line \(row.line): unknown rule '\(ruleText)'")
            }
            let vendorCode = "ge:wave.\(name.lowercased())"
            waves[Int(id)] = GEDatexWaveSpec(id: id, name: name, sampleRateHz: rate, exponent: exponent, unit: row["unit"],
                                             rule: rule, vendorCode: vendorCode, metric: try metric(row, vendorCode: vendorCode))
        }
        self.waves = waves
    }

    func labelMap(_ rule: String) -> GEDatexLabelMap { labels[rule] ?? GEDatexLabelMap() }
}
