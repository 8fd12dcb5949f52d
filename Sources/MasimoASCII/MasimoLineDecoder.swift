import BedsideDriver
import BedsideModel

/// Turns checked ASCII 1 lines into readings, alarms and identity (monitors.md C.2).
///
/// - Every value field of the table becomes a reading; its state comes from the line's exception
///   bits (EXC, and EXC1 whose bits our sources do not name): `invalid` for sensor/cable faults,
///   `calibrating`, `questionable` for signal-quality flags and unknown bits, with every active bit
///   named in the reason. A field of dashes is `absent`.
/// - A field the table does not know is forwarded under its own key (`masimo:<KEY>`), unmapped and
///   counted, never assigned to a known metric, and its text only in the reason (state `invalid`,
///   no number): its meaning is unknown, and a key damaged on the line looks just like a new field.
/// - ALARM bits are alarms (physiological, about the field the table names; unknown bits as
///   unknown alarms), EXC bits other than the normal-operation flag are technical alerts; both go
///   through one ``AlarmLifecycle``.
/// - A line with any malformed known field is rejected whole: without a checksum, a field that
///   breaks the grammar is the only sign of damage, and the rest of that line is not trusted either.
struct MasimoLineDecoder: Sendable {
    /// Fields that are not values.
    static let controlFields: Set<String> = ["SN", "ALARM", "EXC", "EXC1"]

    let tables: MasimoTables
    var alarms = AlarmLifecycle()
    private var serialNumber: String?

    init(tables: MasimoTables) { self.tables = tables }

    /// Why a parsed line was still rejected.
    enum FieldRejection: Error, Equatable {
        case malformedValue(String)
        case malformedBits(String)
        /// The line does not end with its exception field: cut short.
        case incomplete
        var counter: DriverCounter {
            switch self {
            case .malformedValue: "lines.bad-value"
            case .malformedBits: "lines.bad-bits"
            case .incomplete: "lines.incomplete"
            }
        }
    }

    /// Checks every known field's grammar before anything is emitted.
    ///
    /// Every line in our sources (Radical-5, Rad-8, Radical-7, colour Rad-7; monitors.md §D.14–16)
    /// ends with `EXC=` (colour Rad-7: `EXC1=`), so a line that does not is taken as cut short
    /// (a device reset or a lost tail followed by a line end) and rejected.
    func check(_ line: MasimoLine) throws(FieldRejection) {
        guard let last = line.fields.last?.key, last == "EXC" || last == "EXC1", line.value("EXC") != nil else {
            throw .incomplete
        }
        for (key, value) in line.fields {
            switch key {
            case "ALARM", "EXC", "EXC1":
                guard MasimoHex.parse(value) != nil else { throw .malformedBits(key) }
            case "SN":
                // Ten alphanumerics, or all dashes ("no serial number"); never a mixture.
                let alnum = value.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
                guard alnum || value.utf8.allSatisfy({ $0 == UInt8(ascii: "-") }) else { throw .malformedValue(key) }
            default:
                let parsed = MasimoFieldValue(value)
                if tables.numerics[key] != nil {
                    guard parsed != .malformed else { throw .malformedValue(key) }
                    switch tables.percentSign[key] ?? .either {
                    case .yes: guard value.hasSuffix("%") else { throw .malformedValue(key) }
                    case .no: guard !value.hasSuffix("%") else { throw .malformedValue(key) }
                    case .either: break
                    }
                    if case .number(let d) = parsed, let width = tables.digits[key], !Self.printed(d.text, as: width) {
                        throw .malformedValue(key)
                    }
                } else {
                    // A field we do not know must still look like a value of this protocol (a
                    // number, dashes or hex digits), or the line is taken as damaged.
                    let hex = value.utf8.allSatisfy { (48...57).contains($0) || (65...70).contains($0) }
                    guard parsed != .malformed || hex else { throw .malformedValue(key) }
                }
            }
        }
    }

    /// Whether `text` (sign allowed) has exactly `width`'s integer and fraction digits.
    static func printed(_ text: Substring, as width: (integer: Int, fraction: Int)) -> Bool {
        var body = text
        if let f = body.first, f == "+" || f == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return parts[0].count == width.integer && (parts.count == 2 ? parts[1].count : 0) == width.fraction
    }

    mutating func decode(_ line: MasimoLine, zone: any DeviceTimeZone, hostTime: Timestamp, into output: inout DriverOutput) {
        let t = line.time
        let deviceTime = zone.resolve(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second)

        if let sn = line.value("SN"), sn.contains(where: { $0 != "-" }), sn != serialNumber {
            serialNumber = sn
            output.identity = DeviceIdentityUpdate(serialNumber: sn)
        }

        let exc = line.value("EXC").flatMap(MasimoHex.parse)
        let exc1 = line.value("EXC1").flatMap(MasimoHex.parse)
        var knownMask: UInt32 = 0
        for e in tables.exceptions { knownMask |= e.mask }
        let activeExceptions = tables.exceptions.filter { e in exc.map { $0 & e.mask != 0 } ?? false }
        let unknownExceptionBits = Self.bits(of: (exc ?? 0) & ~knownMask)
        let exc1Bits = Self.bits(of: exc1 ?? 0)

        var numerics = 0, unmapped = 0
        for (key, raw) in line.fields where !Self.controlFields.contains(key) {
            let reading: NumericReading
            if let mapping = tables.numerics[key] {
                reading = Self.reading(mapping, raw: raw, tables: tables, exceptions: activeExceptions,
                                       unknownBits: unknownExceptionBits, exc1Bits: exc1Bits,
                                       deviceTime: deviceTime, hostTime: hostTime)
            } else {
                reading = Self.unknownField(key, raw: raw, deviceTime: deviceTime, hostTime: hostTime)
                output.count("fields.unknown")
            }
            if !reading.metric.isMapped { unmapped += 1 }
            numerics += 1
            output.observations.append(.numeric(reading))
        }
        if numerics > 0 { output.count(.numerics, by: numerics) }
        if unmapped > 0 { output.count(.unmappedCodes, by: unmapped) }

        // The alarm list is complete only when the line carries both bit fields.
        guard let alarmText = line.value("ALARM"), let alarmBits = MasimoHex.parse(alarmText), exc != nil else { return }
        var present = alarmList(alarmBits)
        for e in activeExceptions where e.effect != .normal {
            present.append(.init(key: "masimo:EXC:0x\(String(e.mask, radix: 16))", category: .technical, priority: .unknown,
                                 text: e.text, vendorCode: "masimo:EXC:0x\(String(e.mask, radix: 16))"))
        }
        for bit in unknownExceptionBits {
            let code = "masimo:EXC:0x\(String(bit, radix: 16))"
            present.append(.init(key: code, category: .technical, priority: .unknown,
                                 text: "Unknown exception bit 0x\(String(bit, radix: 16)) (not in our sources)", vendorCode: code))
        }
        for bit in exc1Bits {
            let code = "masimo:EXC1:0x\(String(bit, radix: 16))"
            present.append(.init(key: code, category: .technical, priority: .unknown,
                                 text: "EXC1 bit 0x\(String(bit, radix: 16)) (meaning not in our sources)", vendorCode: code))
        }
        alarms.update(present: present, deviceTime: deviceTime, hostTime: hostTime, into: &output.observations)
    }

    /// The ALARM field as the list of alarms present.
    func alarmList(_ bits: UInt32) -> [AlarmLifecycle.Present] {
        let silenced = tables.alarms.contains { $0.kind == .silenced && bits & $0.mask != 0 }
        let flags: AlarmEvent.Flags = silenced ? .silenced : []
        var list: [AlarmLifecycle.Present] = []
        var known: UInt32 = 0
        var activeBit: MasimoTables.AlarmBit?
        for a in tables.alarms {
            known |= a.mask
            guard bits & a.mask != 0 else { continue }
            let code = "masimo:ALARM:0x\(String(a.mask, radix: 16))"
            switch a.kind {
            case .physiological, .technical:
                list.append(.init(key: code, category: a.kind == .physiological ? .physiological : .technical,
                                  priority: .unknown, text: a.text,
                                  metric: a.field.flatMap { tables.numerics[$0]?.metric }, flags: flags, vendorCode: code))
            case .active:
                activeBit = a
            case .silenced:
                break
            }
        }
        for bit in Self.bits(of: bits & ~known) {
            let code = "masimo:ALARM:0x\(String(bit, radix: 16))"
            list.append(.init(key: code, category: .unknown, priority: .unknown,
                              text: "Unknown alarm bit 0x\(String(bit, radix: 16)) (not in our sources)", flags: flags, vendorCode: code))
        }
        // "Alarm active" with no condition named, or "silenced" with nothing to attach the flag to,
        // is still said rather than dropped.
        if list.isEmpty, let a = activeBit {
            let code = "masimo:ALARM:0x\(String(a.mask, radix: 16))"
            list.append(.init(key: code, category: .unknown, priority: .unknown, text: "\(a.text) (condition not stated)",
                              flags: flags, vendorCode: code))
        } else if list.isEmpty, silenced {
            list.append(.init(key: "masimo:ALARM:silenced", category: .advisory, priority: .unknown,
                              text: "Alarm silenced (no alarm condition stated)", flags: flags, vendorCode: "masimo:ALARM:0x20"))
        }
        return list
    }

    static func reading(_ mapping: MetricMappingTable.Mapping, raw: String, tables: MasimoTables,
                        exceptions: [MasimoTables.ExceptionBit], unknownBits: [UInt32], exc1Bits: [UInt32],
                        deviceTime: DeviceTime, hostTime: Timestamp) -> NumericReading {
        var worst: MeasurementState = .valid
        var reasons: [String] = []
        for e in exceptions where e.effect != .normal && (e.fields.isEmpty || e.fields.contains(mapping.key)) {
            reasons.append("\(e.text) (EXC 0x\(String(e.mask, radix: 16)))")
            worst = worse(worst, state(of: e.effect))
        }
        for bit in unknownBits {
            reasons.append("unknown exception bit (EXC 0x\(String(bit, radix: 16)))")
            worst = worse(worst, .questionable)
        }
        for bit in exc1Bits {
            reasons.append("exception bit of unknown meaning (EXC1 0x\(String(bit, radix: 16)))")
            worst = worse(worst, .questionable)
        }
        switch MasimoFieldValue(raw) {
        case .number(let d):
            let value = DecimalValue(text: d.text)
            return tables.numerics.reading(mapping, value: value, state: value == nil ? .invalid : worst,
                                           reason: value == nil ? "not a number: \(raw)" : reasons.isEmpty ? nil : reasons.joined(separator: "; "),
                                           deviceTime: deviceTime, hostTime: hostTime)
        case .absent, .malformed:
            let why = reasons.isEmpty ? "no value (\(mapping.key)=\(raw))" : "no value (\(mapping.key)=\(raw)): " + reasons.joined(separator: "; ")
            return tables.numerics.reading(mapping, value: nil, state: .absent, reason: why, deviceTime: deviceTime, hostTime: hostTime)
        }
    }

    static func unknownField(_ key: String, raw: String, deviceTime: DeviceTime, hostTime: Timestamp) -> NumericReading {
        let metric = MetricIdentity.unmapped("masimo:\(key)")
        switch MasimoFieldValue(raw) {
        case .number, .malformed:
            // Its meaning and unit are not in our sources, and without a checksum a damaged key
            // (`ALIRM`) looks just like a new field: the text is forwarded, never as a number.
            return NumericReading(metric: metric, value: nil, unit: nil, state: .invalid,
                                  reason: "unknown field \(key)=\(raw): not in our sources, forwarded as text only",
                                  displayLabel: key, deviceTime: deviceTime, hostTime: hostTime)
        case .absent:
            return NumericReading(metric: metric, value: nil, unit: nil, state: .absent, reason: "no value (\(key)=\(raw))",
                                  displayLabel: key, deviceTime: deviceTime, hostTime: hostTime)
        }
    }

    static func state(of effect: MasimoTables.Effect) -> MeasurementState {
        switch effect {
        case .invalid: .invalid
        case .calibrating: .calibrating
        case .questionable: .questionable
        case .normal: .valid
        }
    }

    static func worse(_ a: MeasurementState, _ b: MeasurementState) -> MeasurementState {
        func rank(_ s: MeasurementState) -> Int {
            switch s {
            case .invalid: 3
            case .calibrating: 2
            case .questionable: 1
            default: 0
            }
        }
        return rank(b) > rank(a) ? b : a
    }

    static func bits(of value: UInt32) -> [UInt32] {
        (0..<32).compactMap { value & (1 << $0) != 0 ? UInt32(1) << UInt32($0) : nil }
    }
}

