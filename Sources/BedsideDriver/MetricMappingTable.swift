import BedsideModel

/// A driver's metric table in the standard columns of `docs/adding-a-driver.md` §5, parsed once:
/// for each vendor key, the metric, unit, instance, containment, display label and device range.
///
/// Drivers whose tables need nothing beyond these columns use it instead of a loader of their own,
/// so every such table reads and fails alike. Columns: the key column (named by the caller),
/// `reference_id`, `mdc_code`, `ucum`, `unit_code`, `instance`, `vmd`, `vmd_code`, `channel`,
/// `channel_code`, `display`, `range` (`lo..hi`, in the unit, empty for none) and `source`.
public struct MetricMappingTable: Sendable {
    /// One row, resolved.
    public struct Mapping: Sendable, Hashable {
        /// The vendor key as the device sends it (`SPO2`, `NA.sys`).
        public let key: String
        /// Metric identity; ``MetricIdentity/vendorCode`` is `<prefix>:<key>`.
        public let metric: MetricIdentity
        public let unit: String?
        public let unitCode: UInt32?
        public let instance: UInt16
        public let containment: Containment
        public let displayLabel: String?
        public let range: DeviceRanges.Range?
        /// The row's reading descriptor, made once at load: every reading of the row shares it
        /// (and its pre-encoded feed fields) instead of building its own.
        public let descriptor: NumericDescriptor

        init(key: String, metric: MetricIdentity, unit: String?, unitCode: UInt32?, instance: UInt16,
             containment: Containment, displayLabel: String?, range: DeviceRanges.Range?) {
            self.key = key
            self.metric = metric
            self.unit = unit
            self.unitCode = unitCode
            self.instance = instance
            self.containment = containment
            self.displayLabel = displayLabel
            self.range = range
            descriptor = NumericDescriptor(metric: metric, instance: instance, containment: containment, unit: unit,
                                           unitCode: unitCode, displayLabel: displayLabel)
        }
    }

    /// Why a table cannot be used; a build-time bug caught by the driver's table test.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let rows: [Mapping]
    private let byKey: [String: Mapping]

    /// Parses `text`. Metric ordinals in ``Mapping/containment`` are counted per (VMD, channel) in
    /// table order, so the same row always gets the same OBX-4 path.
    public init(name: String, text: String, keyColumn: String, vendorPrefix: String) throws {
        let required = [keyColumn, "reference_id", "mdc_code", "ucum", "unit_code", "instance", "vmd", "vmd_code",
                        "channel", "channel_code", "display", "range", "source"]
        let table = try MappingTable(name: name, text: text, required: required)
        func fail(_ line: Int, _ what: String) -> LoadError { LoadError(description: "\(name) line \(line): \(what)") }
        func code(_ row: MappingTable.Row, _ column: String) throws -> UInt32? {
            guard let t = row[column] else { return nil }
            guard let v = UInt32(t) else { throw fail(row.line, "\(column) '\(t)' is not a whole number") }
            return v
        }
        var ordinals: [UInt32: UInt16] = [:]
        var rows: [Mapping] = []
        var byKey: [String: Mapping] = [:]
        for row in table.rows {
            guard let key = row[keyColumn] else { throw fail(row.line, "\(keyColumn) is empty") }
            guard row["source"] != nil else { throw fail(row.line, "every row names its source") }
            guard byKey[key] == nil else { throw fail(row.line, "\(keyColumn) '\(key)' appears twice") }
            guard let instance = row["instance"].flatMap(UInt16.init), instance >= 1,
                  let vmd = row["vmd"].flatMap(UInt16.init), vmd >= 1,
                  let channel = row["channel"].flatMap(UInt16.init), channel >= 1
            else { throw fail(row.line, "instance, vmd and channel must be whole numbers ≥ 1") }
            let vendorCode = "\(vendorPrefix):\(key)"
            let metric: MetricIdentity
            if let ref = row["reference_id"] {
                guard let c = try code(row, "mdc_code") else { throw fail(row.line, "reference_id without mdc_code") }
                metric = MetricIdentity(referenceID: ref, code: c, vendorCode: vendorCode)
            } else {
                metric = .unmapped(vendorCode)
            }
            let slot = UInt32(vmd) << 16 | UInt32(channel)
            let ordinal = ordinals[slot, default: 1]
            ordinals[slot] = ordinal + 1
            var range: DeviceRanges.Range?
            if let text = row["range"] {
                let chars = Array(text)
                let dots = chars.indices.dropLast().first { chars[$0] == "." && chars[$0 + 1] == "." }
                guard let dots, let lo = DecimalValue(text: String(chars[..<dots])),
                      let hi = DecimalValue(text: String(chars[(dots + 2)...])), !(hi < lo)
                else { throw fail(row.line, "range '\(text)' is not lo..hi") }
                range = DeviceRanges.Range(lo, hi)
            }
            let mapping = Mapping(
                key: key, metric: metric, unit: row["ucum"], unitCode: try code(row, "unit_code"), instance: instance,
                containment: Containment(vmd: vmd, channel: channel, metric: ordinal,
                                         vmdCode: try code(row, "vmd_code"), channelCode: try code(row, "channel_code")),
                displayLabel: row["display"], range: range)
            rows.append(mapping)
            byKey[key] = mapping
        }
        self.rows = rows
        self.byKey = byKey
    }

    public subscript(key: String) -> Mapping? { byKey[key] }

    /// Every stated range, by vendor code, for the driver's descriptor.
    public var deviceRanges: DeviceRanges {
        var ranges: [String: DeviceRanges.Range] = [:]
        for r in rows { if let range = r.range { ranges[r.metric.vendorCode] = range } }
        return DeviceRanges(byVendorCode: ranges)
    }

    /// A reading of row `key`'s metric with its table facts filled in.
    public func reading(_ mapping: Mapping, value: DecimalValue?, state: MeasurementState, reason: String? = nil,
                        deviceTime: DeviceTime?, hostTime: Timestamp) -> NumericReading {
        NumericReading(descriptor: mapping.descriptor, value: value, state: state, reason: reason,
                       deviceTime: deviceTime, hostTime: hostTime)
    }
}

extension DecimalValue {
    /// Parses plain decimal text (`97`, `-02`, `03.60`, `+1.5`): an optional sign, digits, at most
    /// one point. Anything else (dashes, spaces, exponents, more than 18 digits) is `nil`.
    public init?<S: StringProtocol>(text: S) {
        var mantissa: Int64 = 0
        var exponent = 0
        var digits = 0
        var negative = false
        var seenPoint = false
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        if index < utf8.endIndex, utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
            negative = utf8[index] == UInt8(ascii: "-")
            index = utf8.index(after: index)
        }
        while index < utf8.endIndex {
            let c = utf8[index]
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if c >= 48, c <= 57 {
                guard digits < 18 else { return nil }
                mantissa = mantissa * 10 + Int64(c - 48)
                digits += 1
                if seenPoint { exponent -= 1 }
            } else {
                return nil
            }
            index = utf8.index(after: index)
        }
        guard digits > 0 else { return nil }
        self.init(mantissa: negative ? -mantissa : mantissa, exponent: Int8(exponent))
    }
}
