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
    /// What an ECG wave is under each 4-bit lead code, by waveform id (empty for other waves), and
    /// the name of each pressure site code below 32: resolved once, not per segment (the label
    /// maps are keyed by text).
    private let leadResolution: [[(MetricIdentity, String?)]]
    private let siteNames: [String?]
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
        leadResolution = tables.waves.map { spec in
            guard let spec, case .ecgLead = spec.rule else { return [] }
            return (0..<16).map { Self.resolveLead($0, spec: spec, ecgWaveLeads: ecgWaveLeads, ecgLeads: ecgLeads) }
        }
        siteNames = (0..<Self.resolvedSites).map { pressureSites.entry($0)?.label }
    }

    private static func resolveLead(_ lead: Int, spec: GEDatexWaveSpec, ecgWaveLeads: GEDatexLabelMap,
                                    ecgLeads: GEDatexLabelMap) -> (MetricIdentity, String?) {
        if let e = ecgWaveLeads.entry(lead), let ref = e.referenceID {
            return (MetricIdentity(referenceID: ref, code: e.code, vendorCode: spec.vendorCode), e.label)
        }
        return (spec.metric, ecgLeads.entry(lead)?.label)
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
            guard let spec = tables.waves[Int(descriptor.type)] else {
                output.count("wave.unknown-id")
                continue
            }
            var controlCode: Int16?
            var valid = 0
            // Written in place: an append per sample checks capacity every time.
            let samples = [Int32?](unsafeUninitializedCapacity: count) { buffer, initialized in
                for k in 0..<count {
                    let s = record.geInt16(base + 6 + 2 * k)
                    if GEDatexControlCode.isControl(s) {
                        (buffer.baseAddress! + k).initialize(to: nil)
                        controlCode = controlCode ?? s
                    } else {
                        (buffer.baseAddress! + k).initialize(to: Int32(s))
                        valid += 1
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
            let (metric, label) = resolve(spec, context: context)
            var segment = WaveformSegment(
                metric: metric, instance: spec.instance, containment: spec.containment, unit: spec.unit,
                unitCode: spec.unitCode, vendorUnit: spec.vendorUnit, scale: DecimalValue(mantissa: 1, exponent: spec.exponent),
                samplePeriodNanoseconds: spec.samplePeriodNanoseconds, samples: samples, state: state, reason: reason,
                deviceTime: deviceTime, hostTime: hostTime)
            // A pressure wave's label names its site; an ECG wave's label is the lead shown.
            if case .pressure = spec.rule { segment.site = label } else { segment.displayLabel = label }
            output.observations.append(.waveform(segment))
            output.count(.waveforms)
        }
    }

    private func resolve(_ spec: GEDatexWaveSpec, context: GEDatexPHDBDecoder) -> (MetricIdentity, String?) {
        switch spec.rule {
        case .fixed:
            return (spec.metric, nil)
        case .ecgLead(let channel):
            guard let label = context.ecgLabel else { return (spec.metric, nil) }
            let lead = Int((label >> UInt16(16 - 4 * channel)) & 0xF)
            let resolved = leadResolution[Int(spec.id)]
            return lead < resolved.count ? resolved[lead]
                : Self.resolveLead(lead, spec: spec, ecgWaveLeads: ecgWaveLeads, ecgLeads: ecgLeads)
        case .pressure(let channel):
            guard channel < context.pressureSites.count, let site = context.pressureSites[channel] else {
                return (spec.metric, nil)
            }
            return (spec.metric, site >= 0 && site < siteNames.count ? siteNames[site] : pressureSites.entry(site)?.label)
        }
    }
}
