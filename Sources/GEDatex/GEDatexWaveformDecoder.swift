import BedsideDriver
import BedsideModel

/// Turns WAVE (maintype 1) records into waveform segments.
///
/// Each subrecord is `i16 act_len`, `u16 status`, `u16 label`, then `act_len` samples; its type is
/// the waveform id (waveforms.tsv). The sample count comes from `act_len`, never from an
/// assumed rate. Samples ≤ −32001 are control codes and become `nil`.
struct GEDatexWaveformDecoder: Sendable {
    let tables: GEDatexTables
    private let ecgWaveLeads: GEDatexLabelMap
    private let ecgLeads: GEDatexLabelMap
    private let pressureSites: GEDatexLabelMap
    /// What each wave is, by waveform id, made once per process (the label maps are keyed by text,
    /// and a segment then shares its wave's descriptor instead of copying its strings):
    /// `[id][0]` without a label; for ECG waves `[id][1 + lead]` per 4-bit lead code; for
    /// pressure waves `[id][1 + site]` per site code below 32.
    private let descriptors: [[WaveformDescriptor]]
    /// Each wave's rule, by id (read per segment without copying the table row's strings).
    private let rules: [GEDatexWaveSpec.Rule?]
    private static let leadCodes = 16
    private static let resolvedSites = 32

    /// A decoder for the shared tables, resolved once per process.
    static let shared = GEDatexWaveformDecoder(tables: .shared)

    init(tables: GEDatexTables) {
        self.tables = tables
        let ecgWaveLeads = tables.labelMap("ecg-wave-lead")
        let ecgLeads = tables.labelMap("ecg-lead")
        let pressureSites = tables.labelMap("pressure-site")
        self.ecgWaveLeads = ecgWaveLeads
        self.ecgLeads = ecgLeads
        self.pressureSites = pressureSites
        rules = tables.waves.map { $0?.rule }
        descriptors = tables.waves.map { spec in
            guard let spec else { return [] }
            let unlabeled = Self.descriptor(spec, metric: spec.metric, label: nil)
            switch spec.rule {
            case .fixed:
                return [unlabeled]
            case .ecgLead:
                return [unlabeled] + (0..<Self.leadCodes).map { lead in
                    let (metric, label) = Self.resolveLead(lead, spec: spec, ecgWaveLeads: ecgWaveLeads, ecgLeads: ecgLeads)
                    return Self.descriptor(spec, metric: metric, label: label)
                }
            case .pressure:
                return [unlabeled] + (0..<Self.resolvedSites).map {
                    Self.descriptor(spec, metric: spec.metric, label: pressureSites.entry($0)?.label)
                }
            }
        }
    }

    private static func resolveLead(_ lead: Int, spec: GEDatexWaveSpec, ecgWaveLeads: GEDatexLabelMap,
                                    ecgLeads: GEDatexLabelMap) -> (MetricIdentity, String?) {
        if let e = ecgWaveLeads.entry(lead), let ref = e.referenceID {
            return (MetricIdentity(referenceID: ref, code: e.code, vendorCode: spec.vendorCode), e.label)
        }
        return (spec.metric, ecgLeads.entry(lead)?.label)
    }

    /// A wave's descriptor; a pressure wave's label names its site, an ECG wave's label is the
    /// lead shown.
    private static func descriptor(_ spec: GEDatexWaveSpec, metric: MetricIdentity, label: String?) -> WaveformDescriptor {
        var site: String?, displayLabel: String?
        if case .pressure = spec.rule { site = label } else { displayLabel = label }
        return WaveformDescriptor(metric: metric, instance: spec.instance, containment: spec.containment, unit: spec.unit,
                                  unitCode: spec.unitCode, vendorUnit: spec.vendorUnit,
                                  scale: DecimalValue(mantissa: 1, exponent: spec.exponent),
                                  samplePeriodNanoseconds: spec.samplePeriodNanoseconds, site: site,
                                  displayLabel: displayLabel)
    }

    /// `context` supplies the latest ECG lead and pressure-site labels from PHDB records.
    func decode(record: UnsafeRawBufferPointer, header: GEDatexRecordHeader, context: GEDatexPHDBDecoder,
                hostTime: Timestamp, zone: any DeviceTimeZone, into output: inout DriverOutput) {
        let bodyLength = record.count - GEDatexWire.headerLength
        let deviceTime = header.deviceTime(in: zone)
        for descriptor in header.subrecords {
            let offset = descriptor.offset
            guard offset >= 0, offset + 6 <= bodyLength else {
                output.count("wave.subrecords-out-of-bounds")
                continue
            }
            let base = GEDatexWire.headerLength + offset
            let count = Int(record.geInt16(base))
            guard count >= 0, base + 6 + 2 * count <= record.count else {
                output.count("wave.subrecords-out-of-bounds")
                continue
            }
            let id = Int(descriptor.type)
            guard !self.descriptors[id].isEmpty else {
                output.count("wave.unknown-id")
                continue
            }
            var controlCode: Int16?
            var valid = count
            // Written in place (an append per sample checks capacity every time), and in two
            // passes: samples are copied with their smallest value noted, and only a segment
            // holding a control code (rare) is gone over again to blank them.
            let samples = [Int32?](unsafeUninitializedCapacity: count) { buffer, initialized in
                let out = buffer.baseAddress!
                let first = base + 6
                var smallest = Int16.max
                for k in 0..<count {
                    let s = record.geInt16(first + 2 * k)
                    smallest = min(smallest, s)
                    (out + k).initialize(to: Int32(s))
                }
                if GEDatexControlCode.isControl(smallest) {
                    for k in 0..<count {
                        let s = record.geInt16(first + 2 * k)
                        guard GEDatexControlCode.isControl(s) else { continue }
                        out[k] = nil
                        controlCode = controlCode ?? s
                        valid -= 1
                    }
                }
                initialized = count
            }
            var state = MeasurementState.valid
            var reason: String?
            if let code = controlCode {
                if valid == 0 {
                    state = count == 0 ? .absent : GEDatexControlCode.state(for: code)
                }
                reason = GEDatexControlCode.reason(for: code) + (valid == 0 ? "" : " (some samples)")
            }
            let segment = WaveformSegment(descriptor: waveDescriptor(id, context: context), samples: samples,
                                          state: state, reason: reason, deviceTime: deviceTime, hostTime: hostTime)
            output.observations.append(.waveform(segment))
            output.count(.waveforms)
        }
    }

    /// Wave `id`'s descriptor under the latest labels `context` saw.
    private func waveDescriptor(_ id: Int, context: GEDatexPHDBDecoder) -> WaveformDescriptor {
        let made = descriptors[id]
        guard let rule = rules[id] else { return made[0] }
        switch rule {
        case .fixed:
            return made[0]
        case .ecgLead(let channel):
            guard let label = context.ecgLabel else { return made[0] }
            return made[1 + Int((label >> UInt16(16 - 4 * channel)) & 0xF)]
        case .pressure(let channel):
            guard channel < context.pressureSites.count, let site = context.pressureSites[channel] else { return made[0] }
            if site >= 0, site < Self.resolvedSites { return made[1 + site] }
            guard let spec = tables.waves[id] else { return made[0] }
            return Self.descriptor(spec, metric: spec.metric, label: pressureSites.entry(site)?.label)
        }
    }
}
