import BedsideDriver
import BedsideModel

/// Turns PHDB (maintype 0) records into numeric readings.
///
/// Each displayed-values subrecord (type 1) is 278 bytes; its class comes from
/// `cl_drilvl_subt` bits 8–11, never from its position in the record. Fields, scales, units and
/// MDC terms come from `numerics.tsv`; label-dependent terms from `labels.tsv`.
struct GEDatexPHDBDecoder: Sendable {
    let tables: GEDatexTables
    private(set) var nibp = GEDatexNIBPTracker()
    /// Latest ECG label (lead per channel), for naming ECG waveforms.
    private(set) var ecgLabel: UInt16?
    /// Latest invasive pressure site code per channel 1…8, for labelling pressure waveforms.
    private(set) var pressureSites = [Int?](repeating: nil, count: 9)

    private let maps: LabelMaps
    /// The tables' fields of every class in one flat list (class `c` starts at `classStart[c]`),
    /// with only what decoding reads: the table rows also hold strings, and touching those for
    /// every field of every record cost reference counting.
    private let plans: [GEDatexFieldPlan]
    private let classStart: [Int]
    /// What each field's value is, per label code 0..<32 (one entry for fields whose metric does
    /// not depend on a label), from ``GEDatexFieldPlan/firstDescriptor``. Readings share these.
    private let resolved: [NumericDescriptor]
    /// Device time of the latest NIBP measurement from an auxiliary subrecord (type 4), if any came.
    private var auxNIBPTime: UInt32?
    /// Per field (flat, as ``plans``): the reason and host time of the absent reading last
    /// forwarded, `nil` when the last one was not absent.
    private var absentMemo: [(reason: String?, forwarded: Timestamp)?]
    /// An unchanged absent field is repeated this often, so a consumer that joins late (or lost a
    /// record) learns within a minute that the field is still absent.
    static let absentRefreshNanoseconds: Int64 = 60_000_000_000
    /// Per field that starts a group (fields sharing one group header): the reason and host time
    /// the whole group was last forwarded absent because its module is missing or inactive. Most
    /// monitors report dozens of such groups; while one stays so, it is skipped whole.
    private var groupAbsentMemo: [(reason: String, forwarded: Timestamp)?]
    /// Readings appended by the current ``decode(record:header:hostTime:zone:into:)``, and how
    /// many of them are unmapped.
    private var emitted = 0
    private var emittedUnmapped = 0
    /// The current class's NIBP fields (flat indices) and raw values, held until the cuff-cycle
    /// tracker rules.
    private var nibpFields: [Int] = []
    private var nibpRaw: [Int16] = []
    private var nibpDescriptors: [(base: NumericDescriptor, bits: UInt16, descriptor: NumericDescriptor)] = []
    private static let resolvedCodes = 32

    /// A decoder for the shared tables, with their label resolution computed once per process:
    /// every GE session resolves labels alike, and a copy per port cost about 200 KB and a few
    /// milliseconds at each connect.
    static func forSharedTables() -> GEDatexPHDBDecoder {
        GEDatexPHDBDecoder(tables: .shared, layout: sharedLayout)
    }

    private static let sharedLayout = Layout(tables: .shared)

    init(tables: GEDatexTables) {
        self.init(tables: tables, layout: Layout(tables: tables))
    }

    private init(tables: GEDatexTables, layout: Layout) {
        self.tables = tables
        maps = layout.maps
        plans = layout.plans
        classStart = layout.classStart
        resolved = layout.resolved
        absentMemo = Array(repeating: nil, count: layout.plans.count)
        groupAbsentMemo = Array(repeating: nil, count: layout.plans.count)
    }

    /// The label maps the rules read.
    private struct LabelMaps: Sendable {
        let hrSources, ecgLeads, pressureSiteMap, pressureFamilies, temperatureSites, co2Sources, spo2Slots,
            agents: GEDatexLabelMap

        init(_ tables: GEDatexTables) {
            hrSources = tables.labelMap("hr-source")
            ecgLeads = tables.labelMap("ecg-lead")
            pressureSiteMap = tables.labelMap("pressure-site")
            pressureFamilies = tables.labelMap("pressure-family")
            temperatureSites = tables.labelMap("temp-site")
            co2Sources = tables.labelMap("co2-rr-source")
            spo2Slots = tables.labelMap("spo2-slot")
            agents = tables.labelMap("agent")
        }
    }

    /// Everything a decoder derives from the tables alone.
    private struct Layout: Sendable {
        let maps: LabelMaps
        let plans: [GEDatexFieldPlan]
        let classStart: [Int]
        let resolved: [NumericDescriptor]

        init(tables: GEDatexTables) {
            let maps = LabelMaps(tables)
            self.maps = maps
            var plans: [GEDatexFieldPlan] = []
            var classStart: [Int] = []
            var resolved: [NumericDescriptor] = []
            for specs in tables.fields {
                classStart.append(plans.count)
                var start = 0
                while start < specs.count {
                    var end = start
                    var nibp = false
                    while end < specs.count, specs[end].header == specs[start].header {
                        if case .nibp = specs[end].rule { nibp = true }
                        end += 1
                    }
                    for index in start..<end {
                        let spec = specs[index]
                        let codes: Int
                        switch spec.rule {
                        case .fixed, .staleLabelBit, .nibp: codes = 1
                        default: codes = GEDatexPHDBDecoder.resolvedCodes
                        }
                        let flatEnd = classStart[classStart.count - 1] + end
                        plans.append(GEDatexFieldPlan(spec, groupEnd: index == start && !nibp ? flatEnd : 0,
                                                      firstDescriptor: resolved.count))
                        for code in 0..<codes { resolved.append(GEDatexPHDBDecoder.descriptor(spec, code: code, maps: maps)) }
                    }
                    start = end
                }
            }
            classStart.append(plans.count)
            self.plans = plans
            self.classStart = classStart
            self.resolved = resolved
        }
    }

    /// Decodes every displayed-values subrecord of `record`; returns how many were decoded.
    @discardableResult
    mutating func decode(record: UnsafeRawBufferPointer, header: GEDatexRecordHeader, hostTime: Timestamp,
                         zone: any DeviceTimeZone, into output: inout DriverOutput) -> Int {
        var decoded = 0
        auxNIBPTime = nil
        emitted = 0
        emittedUnmapped = 0
        defer {
            if emitted > 0 { output.count(.numerics, by: emitted) }
            if emittedUnmapped > 0 { output.count(.unmappedCodes, by: emittedUnmapped) }
        }
        for descriptor in header.subrecords where descriptor.type == GEDatexWire.phdbAuxType {
            // The aux subrecord starts with `u32 nibp_time` (monitors.md A.11): when the cuff measured.
            let start = GEDatexWire.headerLength + descriptor.offset
            guard descriptor.offset >= 0, start + GEDatexWire.phdbAuxLength <= record.count else { continue }
            let t = record.geUInt32(start)
            if t != 0 { auxNIBPTime = t }
        }
        for descriptor in header.subrecords {
            guard descriptor.type == 1 else {
                if descriptor.type != GEDatexWire.phdbAuxType { output.count("phdb.subrecords-ignored") }  // trends (2, 3)
                continue
            }
            let start = GEDatexWire.headerLength + descriptor.offset
            guard descriptor.offset >= 0, start + GEDatexWire.phdbSubrecordLength <= record.count else {
                output.count("phdb.subrecords-out-of-bounds")
                continue
            }
            let sub = UnsafeRawBufferPointer(rebasing: record[start..<(start + GEDatexWire.phdbSubrecordLength)])
            let classCode = Int((sub.geUInt16(276) >> 8) & 0xF)
            guard let cls = GEDatexClass(rawValue: classCode) else {
                output.count("phdb.unknown-class")
                continue
            }
            let time = sub.geUInt32(0)
            // r_time and the subrecord time are the monitor's local wall clock (no zone on the wire).
            let deviceTime = zone.resolve(localSeconds: Int64(time != 0 ? time : header.time))
            let body = UnsafeRawBufferPointer(rebasing: sub[4..<(4 + GEDatexWire.phdbClassBodyLength)])
            let nibpTime = auxNIBPTime.map { zone.resolve(localSeconds: Int64($0)) }
            decodeClass(cls, body: body, deviceTime: deviceTime, nibpTime: nibpTime, hostTime: hostTime, into: &output)
            decoded += 1
        }
        return decoded
    }

    private mutating func decodeClass(_ cls: GEDatexClass, body: UnsafeRawBufferPointer, deviceTime: DeviceTime,
                                      nibpTime: DeviceTime?, hostTime: Timestamp, into output: inout DriverOutput) {
        // Kept between calls (emptied, capacity kept): a class holding NIBP fields comes in every record.
        nibpFields.removeAll(keepingCapacity: true)
        nibpRaw.removeAll(keepingCapacity: true)
        var nibpHeader: GEDatexGroupHeader?
        var headerOffset = -1
        var groupHeader = GEDatexGroupHeader(status: 0, label: 0)
        // Counted here and reported once per class: a counter update per field would cost more
        // than decoding the field.
        var absentRepeats = 0
        defer { if absentRepeats > 0 { output.count("readings.absent-repeats-suppressed", by: absentRepeats) } }
        let c = cls.rawValue
        // Local copies: one reference count each per class, not one per field.
        let plans = self.plans
        let resolved = self.resolved
        let first = classStart[c], past = classStart[c + 1]
        // Fields of a group forwarded absent together (below this index) skip their own memo.
        var forcedUntil = 0
        var field = first
        plans.withUnsafeBufferPointer { plans in
        resolved.withUnsafeBufferPointer { resolved in
        while field < past {
            defer { field += 1 }
            let plan = plans[field]
            if plan.header != headerOffset {
                headerOffset = plan.header
                groupHeader = GEDatexGroupHeader(body: body, at: plan.header)
                if c == 0, plan.header == 0 { ecgLabel = groupHeader.moduleExists ? groupHeader.label : nil }
                let channel = plan.pressureChannel
                if channel > 0, channel < pressureSites.count {
                    pressureSites[channel] = groupHeader.moduleExists ? Int(groupHeader.label) : nil
                }
                let end = plan.groupEnd
                if end > 0, let reason = GEDatexValueState.groupAbsence(groupHeader) {
                    if let memo = groupAbsentMemo[field], memo.reason == reason,
                       hostTime.nanoseconds(since: memo.forwarded) < Self.absentRefreshNanoseconds {
                        absentRepeats += end - field
                        field = end - 1
                        continue
                    }
                    groupAbsentMemo[field] = (reason, hostTime)
                    forcedUntil = end
                } else if groupAbsentMemo[field] != nil {
                    groupAbsentMemo[field] = nil
                }
            }
            let raw = body.geInt16(plan.offset)
            if case .nibp = plan.rule {
                // Held as raw values: the cuff-cycle tracker suppresses most records' NIBP, and
                // readings are made only for the ones it lets through.
                nibpFields.append(field)
                nibpRaw.append(raw)
                nibpHeader = groupHeader
                continue
            }
            var staleBit: Int?
            if case .staleLabelBit(let bit) = plan.rule { staleBit = bit }
            let (state, reason) = GEDatexValueState.evaluate(raw: raw, header: groupHeader, kind: plan.groupKind,
                                                             staleLabelBit: staleBit)
            if state == .absent {
                // An absent field is forwarded when it becomes absent (or its reason changes), and
                // then once a minute, not in every record: most monitors report dozens of groups
                // they do not have.
                if field >= forcedUntil, let memo = absentMemo[field], memo.reason == reason,
                   hostTime.nanoseconds(since: memo.forwarded) < Self.absentRefreshNanoseconds {
                    absentRepeats += 1
                    continue
                }
                absentMemo[field] = (reason, hostTime)
            } else if absentMemo[field] != nil {
                absentMemo[field] = nil
            }
            let value: DecimalValue? = (state == .absent || GEDatexControlCode.isControl(raw))
                ? nil : DecimalValue(raw: Int(raw), exponent: plan.exponent)
            let descriptor = resolve(plan, field: field, cls: c, header: groupHeader, from: resolved)
            // Made where it is stored: a reading built first and appended after is copied.
            emitted += 1
            if !descriptor.isMapped { emittedUnmapped += 1 }
            output.observations.append(.numeric(NumericReading(descriptor: descriptor, value: value, state: state,
                                                               reason: reason, deviceTime: deviceTime, hostTime: hostTime)))
        }
        }
        }
        if let h = nibpHeader, nibpRaw.count == 4 {
            switch nibp.step(header: h, sys: nibpRaw[0], dia: nibpRaw[1], mean: nibpRaw[2], rate: nibpRaw[3]) {
            case .suppress:
                output.count("nibp.repeats-suppressed")
            case let verdict:
                // An episodic value carries when it was measured: the aux subrecord's time when the
                // monitor sent one, else this record's time for a result that just appeared. A result
                // already on screen when the bridge connected has no known measurement time.
                let measured: DeviceTime? = nibpTime ?? (verdict == .newResult ? deviceTime : nil)
                for (field, raw) in zip(nibpFields, nibpRaw) {
                    let plan = plans[field]
                    let (state, reason) = GEDatexValueState.evaluate(raw: raw, header: h, kind: plan.groupKind,
                                                                     staleLabelBit: nil)
                    let value: DecimalValue? = (state == .absent || GEDatexControlCode.isControl(raw))
                        ? nil : DecimalValue(raw: Int(raw), exponent: plan.exponent)
                    var r = NumericReading(descriptor: nibpDescriptor(resolved[plan.firstDescriptor], label: h.label),
                                           value: value, state: state, reason: reason, deviceTime: deviceTime,
                                           hostTime: hostTime)
                    // "No result" is a statement about now: it keeps the record's time.
                    if r.value != nil { r.deviceTime = measured }
                    if verdict == .alreadyOnScreen, measured == nil, r.state == .stale {
                        r.reason = (r.reason.map { $0 + "; " } ?? "") + "measured before the bridge connected; measurement time not sent"
                    }
                    emit(r, into: &output)
                }
                output.count("nibp.results")
            }
        }
    }

    /// Appends a reading and counts it (here: counting afterwards would copy every observation).
    @inline(__always)
    private mutating func emit(_ reading: consuming NumericReading, into output: inout DriverOutput) {
        emitted += 1
        if !reading.descriptor.isMapped { emittedUnmapped += 1 }
        output.observations.append(.numeric(consume reading))
    }

    /// An NIBP field's descriptor made episodic, with the cuff mode and cuff the label names; kept
    /// per field and label so a cuff cycle's readings share them.
    private mutating func nibpDescriptor(_ base: NumericDescriptor, label: UInt16) -> NumericDescriptor {
        let bits = label & 0x1F
        for entry in nibpDescriptors where entry.base === base && entry.bits == bits { return entry.descriptor }
        var probe = NumericReading(descriptor: base, value: nil, state: .absent, deviceTime: nil,
                                   hostTime: Timestamp(nanosecondsSinceEpoch: 0))
        probe.episodic = true
        probe.mode = Self.nibpMode(label)
        probe.site = Self.nibpCuff(label)
        if nibpDescriptors.count >= 64 { nibpDescriptors.removeAll() }
        nibpDescriptors.append((base, bits, probe.descriptor))
        return probe.descriptor
    }

    /// Puts a label-rule's text where it belongs: the selected HR source and the RR source say
    /// where the value comes from; pressure and temperature labels name the site; lead, slot and
    /// agent names are what the monitor shows for the value.
    private static func place(_ text: String?, of rule: GEDatexFieldSpec.Rule, in reading: inout NumericReading) {
        guard let text else { return }
        switch rule {
        case .hrSource, .co2RespirationSource: reading.source = text
        case .pressureSite, .temperatureSite: reading.site = text
        case .ecgLead, .spo2Slot, .agent: reading.displayLabel = text
        case .fixed, .staleLabelBit, .nibp: break
        }
    }

    private static func metric(_ entry: GEDatexLabelEntry?, _ spec: GEDatexFieldSpec) -> MetricIdentity {
        guard let entry, let ref = entry.referenceID else { return .unmapped(spec.vendorCode) }
        return MetricIdentity(referenceID: ref, code: entry.code, vendorCode: spec.vendorCode)
    }

    private static func labelText(_ entry: GEDatexLabelEntry?, code: Int) -> String {
        guard let entry, entry.label != "unknown" else { return "unknown (\(code))" }
        return entry.label
    }

    /// What a field's value is under the group's current label (table lookup; slow path for odd codes).
    @inline(__always)
    private func resolve(_ plan: GEDatexFieldPlan, field: Int, cls: Int, header: GEDatexGroupHeader,
                         from resolved: UnsafeBufferPointer<NumericDescriptor>) -> NumericDescriptor {
        let code: Int
        switch plan.rule {
        case .fixed, .staleLabelBit, .nibp: return resolved[plan.firstDescriptor]
        case .hrSource: code = header.heartRateSource
        case .ecgLead(let channel): code = header.ecgLead(channel: channel)
        case .pressureSite, .temperatureSite, .agent: code = Int(header.label)
        case .co2RespirationSource: code = header.co2RespirationSource
        case .spo2Slot: code = header.spo2Slot
        }
        if code < Self.resolvedCodes { return resolved[plan.firstDescriptor + code] }
        return Self.descriptor(tables.fields[cls][field - classStart[cls]], code: code, maps: maps)
    }

    /// The descriptor of a field's value under label `code`.
    private static func descriptor(_ spec: GEDatexFieldSpec, code: Int, maps: LabelMaps) -> NumericDescriptor {
        let (metric, label) = resolveSlow(spec, code: code, maps: maps)
        var probe = NumericReading(metric: metric, instance: spec.instance, containment: spec.containment, value: nil,
                                   unit: spec.unit, unitCode: spec.unitCode, state: .absent,
                                   displayLabel: spec.displayLabel, deviceTime: nil, hostTime: Timestamp(nanosecondsSinceEpoch: 0))
        place(label, of: spec.rule, in: &probe)
        return probe.descriptor
    }

    private static func resolveSlow(_ spec: GEDatexFieldSpec, code: Int, maps: LabelMaps) -> (MetricIdentity, String?) {
        switch spec.rule {
        case .fixed, .staleLabelBit, .nibp:
            return (spec.metric, nil)
        case .hrSource:
            let e = maps.hrSources.entry(code)
            return (metric(e, spec), labelText(e, code: code))
        case .ecgLead:
            return (spec.metric, labelText(maps.ecgLeads.entry(code), code: code))
        case .pressureSite(let component):
            let siteEntry = maps.pressureSiteMap.entry(code)
            let family = maps.pressureFamilies.entry(siteEntry?.component ?? "GEN", component: component.rawValue)
            return (metric(family, spec), labelText(siteEntry, code: code))
        case .temperatureSite:
            let e = maps.temperatureSites.entry(code)
            return (metric(e, spec), labelText(e, code: code))
        case .co2RespirationSource:
            let e = maps.co2Sources.entry(code)
            return (metric(e, spec), labelText(e, code: code))
        case .spo2Slot:
            let e = maps.spo2Slots.entry(code)
            return (metric(e, spec), labelText(e, code: code))
        case .agent(let endTidal):
            let e = maps.agents.entry(code, component: endTidal ? "et" : "fi")
            return (metric(e, spec), labelText(e, code: code))
        }
    }

    /// NIBP cuff mode from label bits 3 (AUTO) and 4 (STAT); neither set is a manual measurement.
    static func nibpMode(_ label: UInt16) -> String {
        if label & 0x10 != 0 { return "stat" }
        if label & 0x08 != 0 { return "auto" }
        return "manual"
    }

    /// NIBP cuff from label bits 0–2 (1 infant, 3 adult; other codes named by number).
    static func nibpCuff(_ label: UInt16) -> String? {
        switch label & 0x7 {
        case 0: nil
        case 1: "infant cuff"
        case 3: "adult cuff"
        case let c: "cuff \(c)"
        }
    }
}
