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

    private let hrSources: GEDatexLabelMap
    private let ecgLeads: GEDatexLabelMap
    private let pressureSiteMap: GEDatexLabelMap
    private let pressureFamilies: GEDatexLabelMap
    private let temperatureSites: GEDatexLabelMap
    private let co2Sources: GEDatexLabelMap
    private let spo2Slots: GEDatexLabelMap
    private let agents: GEDatexLabelMap

    init(tables: GEDatexTables) {
        self.tables = tables
        hrSources = tables.labelMap("hr-source")
        ecgLeads = tables.labelMap("ecg-lead")
        pressureSiteMap = tables.labelMap("pressure-site")
        pressureFamilies = tables.labelMap("pressure-family")
        temperatureSites = tables.labelMap("temp-site")
        co2Sources = tables.labelMap("co2-rr-source")
        spo2Slots = tables.labelMap("spo2-slot")
        agents = tables.labelMap("agent")
    }

    /// Decodes every displayed-values subrecord of `record`; returns how many were decoded.
    @discardableResult
    mutating func decode(record: UnsafeRawBufferPointer, header: GEDatexRecordHeader, hostTime: Timestamp,
                         clockOffsetSeconds: Int64, into output: inout DriverOutput) -> Int {
        var decoded = 0
        for descriptor in header.subrecords {
            guard descriptor.type == 1 else {
                output.count("phdb.subrecords-ignored")  // trends (2, 3) and aux (4) are not requested
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
            let deviceTime = Timestamp(secondsSinceEpoch: Int64(time != 0 ? time : header.time) + clockOffsetSeconds)
            let body = UnsafeRawBufferPointer(rebasing: sub[4..<(4 + GEDatexWire.phdbClassBodyLength)])
            decodeClass(cls, body: body, deviceTime: deviceTime, hostTime: hostTime, into: &output)
            decoded += 1
        }
        return decoded
    }

    private mutating func decodeClass(_ cls: GEDatexClass, body: UnsafeRawBufferPointer, deviceTime: Timestamp,
                                      hostTime: Timestamp, into output: inout DriverOutput) {
        var nibpReadings: [NumericReading] = []
        var nibpRaw: [Int16] = []
        var nibpHeader: GEDatexGroupHeader?
        var headerOffset = -1
        var groupHeader = GEDatexGroupHeader(status: 0, label: 0)
        for spec in tables.fields[cls.rawValue] {
            if spec.header != headerOffset {
                headerOffset = spec.header
                groupHeader = GEDatexGroupHeader(body: body, at: spec.header)
                remember(spec: spec, cls: cls, header: groupHeader)
            }
            let raw = body.geInt16(spec.offset)
            var staleBit: Int?
            if case .staleLabelBit(let bit) = spec.rule { staleBit = bit }
            let (state, reason) = GEDatexValueState.evaluate(raw: raw, header: groupHeader, kind: spec.groupKind,
                                                             staleLabelBit: staleBit)
            let value: DecimalValue? = (state == .absent || GEDatexControlCode.isControl(raw))
                ? nil : DecimalValue(raw: Int(raw), exponent: spec.exponent)
            let (metric, label) = resolve(spec, header: groupHeader)
            let reading = NumericReading(metric: metric, value: value, unit: spec.unit, state: state, reason: reason,
                                         label: label, deviceTime: deviceTime, hostTime: hostTime)
            if case .nibp = spec.rule {
                nibpReadings.append(reading)
                nibpRaw.append(raw)
                nibpHeader = groupHeader
            } else {
                output.observations.append(.numeric(reading))
            }
        }
        if let h = nibpHeader, nibpRaw.count == 4 {
            if nibp.shouldForward(header: h, sys: nibpRaw[0], dia: nibpRaw[1], mean: nibpRaw[2], rate: nibpRaw[3]) {
                for r in nibpReadings { output.observations.append(.numeric(r)) }
                output.count("nibp.results")
            } else {
                output.count("nibp.repeats-suppressed")
            }
        }
    }

    /// Keeps the labels that waveforms need.
    private mutating func remember(spec: GEDatexFieldSpec, cls: GEDatexClass, header: GEDatexGroupHeader) {
        if cls == .basic, spec.group == "ecg" { ecgLabel = header.moduleExists ? header.label : nil }
        if spec.pressureChannel > 0, spec.pressureChannel < pressureSites.count {
            pressureSites[spec.pressureChannel] = header.moduleExists ? Int(header.label) : nil
        }
    }

    private func metric(_ entry: GEDatexLabelEntry?, _ spec: GEDatexFieldSpec) -> MetricIdentity {
        guard let entry, let ref = entry.referenceID else { return .unmapped(spec.vendorCode) }
        return MetricIdentity(referenceID: ref, code: entry.code, vendorCode: spec.vendorCode)
    }

    private static func labelText(_ entry: GEDatexLabelEntry?, code: Int) -> String {
        guard let entry, entry.label != "unknown" else { return "unknown (\(code))" }
        return entry.label
    }

    /// Chooses the metric and label for label-dependent fields.
    private func resolve(_ spec: GEDatexFieldSpec, header: GEDatexGroupHeader) -> (MetricIdentity, String?) {
        switch spec.rule {
        case .fixed, .staleLabelBit:
            return (spec.metric, spec.label)
        case .nibp:
            return (spec.metric, Self.nibpLabel(header.label))
        case .hrSource:
            let source = header.heartRateSource
            let e = hrSources.entry(source)
            return (metric(e, spec), Self.labelText(e, code: source))
        case .ecgLead(let channel):
            let lead = header.ecgLead(channel: channel)
            return (spec.metric, Self.labelText(ecgLeads.entry(lead), code: lead))
        case .pressureSite(let component):
            let site = Int(header.label)
            let siteEntry = pressureSiteMap.entry(site)
            let family = pressureFamilies.entry(siteEntry?.component ?? "GEN", component: component.rawValue)
            return (metric(family, spec), Self.labelText(siteEntry, code: site))
        case .temperatureSite:
            let site = Int(header.label)
            let e = temperatureSites.entry(site)
            return (metric(e, spec), Self.labelText(e, code: site))
        case .co2RespirationSource:
            let source = header.co2RespirationSource
            let e = co2Sources.entry(source)
            return (metric(e, spec), Self.labelText(e, code: source))
        case .spo2Slot:
            let slot = header.spo2Slot
            let e = spo2Slots.entry(slot)
            return (metric(e, spec), Self.labelText(e, code: slot))
        case .agent(let endTidal):
            let agent = Int(header.label)
            let e = agents.entry(agent, component: endTidal ? "et" : "fi")
            return (metric(e, spec), Self.labelText(e, code: agent))
        }
    }

    /// NIBP label as text: cuff size and mode (label bits 0–4).
    static func nibpLabel(_ label: UInt16) -> String? {
        var parts: [String] = []
        switch label & 0x7 {
        case 1: parts.append("infant cuff")
        case 3: parts.append("adult cuff")
        case 0: break
        case let c: parts.append("cuff \(c)")
        }
        if label & 0x08 != 0 { parts.append("AUTO") }
        if label & 0x10 != 0 { parts.append("STAT") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
