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
    /// MDC unit code of ``unit``, when our notes list one.
    let unitCode: UInt32?
    let rule: Rule
    /// Channel name the monitor shows for this field, when the table gives one (`SpO2-2`, `CPP2`).
    let displayLabel: String?
    /// Which of several sources of the same metric this field is (P1–P8, T1–T6, SpO2 module 1/2).
    let instance: UInt16
    /// Place in the monitor's object tree (`1.vmd.channel.metric`), fixed by the table.
    let containment: Containment
    /// Values the field can physically hold (`range` column), if stated.
    let range: DeviceRanges.Range?
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
    let unitCode: UInt32?
    /// Said instead of a unit when the raw unit is not documented.
    let vendorUnit: String?
    let rule: Rule
    let instance: UInt16
    let containment: Containment
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

        func optionalCode(_ row: MappingTable.Row, _ column: String, _ table: String) throws -> UInt32? {
            guard let text = row[column] else { return nil }
            guard let v = UInt32(text) else { throw LoadError(description: "\(table) line \(row.line): bad \(column) '\(text)'") }
            return v
        }
        // Metric ordinals are counted per (VMD, channel) in table order, numerics first, so the
        // same field always gets the same OBX-4 path.
        var nextOrdinal: [Int: UInt16] = [:]
        func containment(_ row: MappingTable.Row, _ table: String) throws -> Containment {
            guard let vmd = row["vmd"].flatMap(UInt16.init), let channel = row["channel"].flatMap(UInt16.init),
                  vmd >= 1, channel >= 1 else {
                throw LoadError(description: "\(table) line \(row.line): vmd and channel must be whole numbers ≥ 1")
            }
            let key = Int(vmd) << 16 | Int(channel)
            let ordinal = nextOrdinal[key, default: 1]
            nextOrdinal[key] = ordinal + 1
            return Containment(vmd: vmd, channel: channel, metric: ordinal,
                               vmdCode: try optionalCode(row, "vmd_code", table), channelCode: try optionalCode(row, "chan_code", table))
        }
        func instance(_ row: MappingTable.Row, _ table: String) throws -> UInt16 {
            guard let v = row["instance"].flatMap(UInt16.init), v >= 1 else {
                throw LoadError(description: "\(table) line \(row.line): instance must be a whole number ≥ 1")
            }
            return v
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
                                                  "unit_code", "rule", "component", "instance", "vmd", "vmd_code",
                                                  "channel", "chan_code", "display_label", "range", "mdc_refid", "mdc_code"])
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
            var range: DeviceRanges.Range?
            if let text = row["range"] {
                range = try Self.range(text, exponent: exponent, line: row.line)
            }
            fields[cls.rawValue].append(GEDatexFieldSpec(
                phdbClass: cls, group: group, field: field, offset: offset, header: header, exponent: exponent,
                unit: row["unit"], unitCode: try optionalCode(row, "unit_code", "numerics.tsv"), rule: rule,
                displayLabel: row["display_label"], instance: try instance(row, "numerics.tsv"),
                containment: try containment(row, "numerics.tsv"), range: range, groupKind: GEDatexGroupKind(group: group),
                pressureChannel: group.hasPrefix("p") ? Int(group.dropFirst()) ?? 0 : 0,
                vendorCode: vendorCode, metric: try metric(row, vendorCode: vendorCode)))
        }
        self.fields = fields.map { $0.sorted { $0.offset < $1.offset } }

        // waveforms.tsv
        let waveTable = try table("waveforms.tsv", ["wave_id", "name", "sample_rate_hz", "exponent", "unit", "unit_code",
                                                     "vendor_unit", "rule", "instance", "vmd", "vmd_code", "channel",
                                                     "chan_code", "mdc_refid", "mdc_code"])
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
            waves[Int(id)] = GEDatexWaveSpec(
                id: id, name: name, sampleRateHz: rate, exponent: exponent, unit: row["unit"],
                unitCode: try optionalCode(row, "unit_code", "waveforms.tsv"), vendorUnit: row["vendor_unit"], rule: rule,
                instance: try instance(row, "waveforms.tsv"), containment: try containment(row, "waveforms.tsv"),
                vendorCode: vendorCode, metric: try metric(row, vendorCode: vendorCode))
        }
        self.waves = waves
    }

    func labelMap(_ rule: String) -> GEDatexLabelMap { labels[rule] ?? GEDatexLabelMap() }

    /// The `range` column: `lo..hi` in the field's unit, or `lo..` for "no upper bound beyond what
    /// the 16-bit field can carry" (32 767 × the field's scale).
    static func range(_ text: String, exponent: Int8, line: Int) throws -> DeviceRanges.Range {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty, let lower = Int(parts[0]) else {
            throw LoadError(description: "numerics.tsv line \(line): range '\(text)' is not lo..hi or lo..")
        }
        let upper: DecimalValue
        if parts[2].isEmpty {
            upper = DecimalValue(raw: Int(Int16.max), exponent: exponent)
        } else if let hi = Int(parts[2]) {
            upper = DecimalValue(mantissa: Int64(hi))
        } else {
            throw LoadError(description: "numerics.tsv line \(line): range '\(text)' is not lo..hi or lo..")
        }
        return DeviceRanges.Range(DecimalValue(mantissa: Int64(lower)), upper)
    }

    /// Every stated field range, by vendor code, for the driver's descriptor.
    var deviceRanges: DeviceRanges {
        var byVendorCode: [String: DeviceRanges.Range] = [:]
        for specs in fields { for s in specs { if let r = s.range { byVendorCode[s.vendorCode] = r } } }
        return DeviceRanges(byVendorCode: byVendorCode)
    }
}
