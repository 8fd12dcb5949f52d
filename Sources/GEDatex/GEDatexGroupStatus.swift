import BedsideModel

/// A PHDB group header: `u32 status` then `u16 label` (monitors.md A.7, A.9).
struct GEDatexGroupHeader: Sendable {
    let status: UInt32
    let label: UInt16

    init(status: UInt32, label: UInt16) {
        self.status = status
        self.label = label
    }

    init(body: UnsafeRawBufferPointer, at offset: Int) {
        status = body.geUInt32(offset)
        label = body.geUInt16(offset + 4)
    }

    /// Status bit 0: the module exists.
    var moduleExists: Bool { status & 0x1 != 0 }
    /// Status bit 1: the measurement is active.
    var measurementActive: Bool { status & 0x2 != 0 }

    @inline(__always) func statusBit(_ n: Int) -> Bool { status & (1 << UInt32(n)) != 0 }
    @inline(__always) func labelBit(_ n: Int) -> Bool { label & (1 << UInt16(n)) != 0 }

    // ECG group
    /// ECG status bits 3–6: which measurement the group's "HR" comes from.
    var heartRateSource: Int { Int((status >> 3) & 0xF) }
    /// ECG label: 4-bit lead code of channel 1…3; channel 1 is the top nibble.
    func ecgLead(channel: Int) -> Int { Int((label >> UInt16(16 - 4 * channel)) & 0xF) }

    // CO2 / SpO2 labels
    /// CO2 label bits 0–2: respiration-rate source (1 CO2, 2 impedance).
    var co2RespirationSource: Int { Int(label & 0x7) }
    /// SpO2 label bits 0–1: meaning of the `svo2` slot (0 SO2, 1 SaO2, 2 SvO2).
    var spo2Slot: Int { Int(label & 0x3) }

    // NIBP label
    var nibpMeasuring: Bool { labelBit(5) }
    var nibpCalibrating: Bool { labelBit(7) }
    /// NIBP label bit 8: the value is older than 60 s.
    var nibpOlderThan60s: Bool { labelBit(8) }
}

/// State and reason of one field: presence from the status word, control codes, then the
/// group's qualifying bits.
enum GEDatexValueState {
    /// Why every field of a group is absent whatever its value (module missing or inactive), if so.
    static func groupAbsence(_ header: GEDatexGroupHeader) -> String? {
        if !header.moduleExists { return "GE status bit 0 clear: module not present" }
        if !header.measurementActive { return "GE status bit 1 clear: measurement not active" }
        return nil
    }

    static func evaluate(raw: Int16, header: GEDatexGroupHeader, kind: GEDatexGroupKind,
                         staleLabelBit: Int?) -> (MeasurementState, String?) {
        if let reason = groupAbsence(header) { return (.absent, reason) }
        if GEDatexControlCode.isControl(raw) {
            return (GEDatexControlCode.state(for: raw), GEDatexControlCode.reason(for: raw))
        }
        switch kind {
        case .ecg:
            if header.statusBit(8) { return (.questionable, "GE ECG status bit 8: artifact") }
            if header.statusBit(7) { return (.questionable, "GE ECG status bit 7: noise") }
            if header.statusBit(9) { return (.questionable, "GE ECG status bit 9: learning") }
        case .pressure:
            if header.statusBit(2) { return (.calibrating, "GE pressure status bit 2: zeroing") }
        case .nibp:
            if header.nibpCalibrating { return (.calibrating, "GE NIBP label bit 7: calibrating") }
            if header.nibpOlderThan60s { return (.stale, "GE NIBP label bit 8: data older than 60 s") }
        case .co2:
            if header.statusBit(3) { return (.calibrating, "GE CO2 status bit 3: calibrating") }
            if header.statusBit(4) { return (.calibrating, "GE CO2 status bit 4: zeroing") }
            if header.statusBit(5) { return (.questionable, "GE CO2 status bit 5: occlusion") }
            if header.statusBit(6) { return (.questionable, "GE CO2 status bit 6: air leak") }
        case .gas:
            if header.statusBit(3) { return (.absent, "GE gas status bit 3: measurement off") }
            if header.statusBit(2) { return (.calibrating, "GE gas status bit 2: calibrating") }
        case .flowVolume:
            if header.statusBit(7) { return (.absent, "GE flow/volume status bit 7: measurement off") }
            if header.statusBit(3) { return (.calibrating, "GE flow/volume status bit 3: calibrating") }
            if header.statusBit(4) { return (.calibrating, "GE flow/volume status bit 4: zeroing") }
            if header.statusBit(2) { return (.questionable, "GE flow/volume status bit 2: disconnection") }
        case .plain:
            break
        }
        if let bit = staleLabelBit, header.labelBit(bit) {
            return (.stale, "GE label bit \(bit): value older than 60 s")
        }
        return (.valid, nil)
    }
}
