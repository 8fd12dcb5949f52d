import BedsideDriver
import BedsideModel

/// Turns checked packets into readings, the pleth wave and technical alerts (monitors.md C.1).
///
/// Every quality flag becomes a reading state (`flags.tsv`): a flag seen in any frame of a packet
/// applies to the packet's values, the worst state wins, and every flag is named in the reason.
/// HR 511 and SpO2 127 are the device's "missing" values: `absent`. Sensor and battery conditions
/// are also technical alerts.
struct NoninPacketDecoder: Sendable {
    let tables: NoninTables
    let format: NoninFormat
    var alerts = AlarmLifecycle()
    private var softwareVersion: UInt8?
    private var packetCount = 0

    /// What the pleth wave is: one descriptor for the session, shared by every segment.
    private let pleth: WaveformDescriptor

    init(tables: NoninTables, format: NoninFormat) {
        self.tables = tables
        self.format = format
        let m = tables.mapping("PLETH")
        pleth = WaveformDescriptor(metric: m.metric, instance: m.instance, containment: m.containment, unit: nil,
                                   vendorUnit: format == .format2 ? "8-bit counts" : "16-bit counts",
                                   scale: DecimalValue(mantissa: 1), samplePeriodNanoseconds: 1_000_000_000 / 75,
                                   displayLabel: m.displayLabel)
    }

    /// Frame index → (value, MSB frame) for formats 2/7 (C.1 FLOAT table).
    static let floatValues: [(key: String, lsb: Int, msb: Int?)] = [
        ("HR", 1, 0), ("SPO2", 2, nil), ("SPO2-D", 8, nil), ("SPO2-FAST", 9, nil), ("SPO2-BB", 10, nil),
        ("E-HR", 14, 13), ("E-SPO2", 15, nil), ("E-SPO2-D", 16, nil), ("HR-D", 20, 19), ("E-HR-D", 22, 21),
    ]

    mutating func decode(_ packet: NoninFramePacket, waveforms: Bool, now: Timestamp, into output: inout DriverOutput) {
        var status: UInt8 = 0
        var perfusion: UInt8 = 0
        for s in packet.status {
            status |= s & 0x78
            let p = s & 0x06
            // Worst perfusion of the packet: red (10) over yellow (11) over green (01) over none.
            if p == 0x04 || (p == 0x06 && perfusion != 0x04) || (p == 0x02 && perfusion == 0) { perfusion = p }
        }
        let stat2 = packet.float[7]
        let active = tables.flags.filter { f in
            guard f.formats.contains(format.rawValue) else { return false }
            switch f.byte {
            case .status: return f.isSet(in: status)
            case .perfusion: return f.isSet(in: perfusion)
            case .stat2: return f.isSet(in: stat2)
            }
        }
        let known = tables.flags.filter { $0.byte == .stat2 && $0.formats.contains(format.rawValue) }.reduce(UInt8(0)) { $0 | $1.mask }
        // SmartPoint (bit 5) is a reading-mode flag; other unlisted STAT2 bits are not in our sources.
        if stat2 & ~known & ~0x20 != 0 { output.count("stat2.unknown-bits") }

        if softwareVersion != packet.float[3] {
            softwareVersion = packet.float[3]
            output.identity = DeviceIdentityUpdate(softwareVersion: "0x" + String(packet.float[3], radix: 16))
        }
        // HR and SpO2 (4-beat, recording) with every packet; the other averagings of the same
        // measurement (8-beat, display values held ~10 s, fast, beat-to-beat) once a second, with
        // every third packet: repeating them three times a second adds nothing but volume.
        packetCount += 1
        let withAlternates = packetCount % 3 == 1
        for v in Self.floatValues where withAlternates || v.key == "HR" || v.key == "SPO2" {
            let raw: Int
            if let msb = v.msb {
                raw = Int(packet.float[msb] & 0x03) << 7 | Int(packet.float[v.lsb] & 0x7F)
            } else {
                raw = Int(packet.float[v.lsb])
            }
            emit(v.key, raw: raw, active: active, now: now, into: &output)
        }
        if waveforms {
            let state = worst(active)
            output.observations.append(.waveform(WaveformSegment(
                descriptor: pleth, samples: packet.pleth.map { Optional($0) }, state: state.state, reason: state.reason,
                deviceTime: nil, hostTime: now.adding(nanoseconds: -Int64(NoninFramer.framesPerPacket - 1) * 1_000_000_000 / 75))))
            output.count(.waveforms)
        }
        updateAlerts(active, now: now, into: &output)
    }

    mutating func decode(_ packet: NoninFormat8Packet, now: Timestamp, into output: inout DriverOutput) {
        let active = tables.flags.filter { f in
            guard f.formats.contains(8) else { return false }
            return f.byte == .stat2 ? f.isSet(in: packet.status2) : f.isSet(in: packet.status)
        }
        let hr = Int(packet.status & 0x03) << 7 | Int(packet.hrLow & 0x7F)
        emit("HR", raw: hr, active: active, now: now, into: &output)
        emit("SPO2", raw: Int(packet.spo2 & 0x7F), active: active, now: now, into: &output)
        updateAlerts(active, now: now, into: &output)
    }

    private func worst(_ active: [NoninTables.Flag]) -> (state: MeasurementState, reason: String?) {
        var state = MeasurementState.valid
        var reasons: [String] = []
        for f in active {
            guard let e = f.effect else { continue }
            reasons.append(f.text)
            if e == .invalid || (e == .questionable && state == .valid) { state = e }
        }
        return (state, reasons.isEmpty ? nil : reasons.joined(separator: "; "))
    }

    private func emit(_ key: String, raw: Int, active: [NoninTables.Flag], now: Timestamp, into output: inout DriverOutput) {
        let m = tables.mapping(key)
        let missing = key.contains("HR") ? 511 : 127
        let r: NumericReading
        let quality = worst(active)
        if raw == missing {
            let why = "no value (device sends \(missing))" + (quality.reason.map { ": " + $0 } ?? "")
            r = tables.numerics.reading(m, value: nil, state: .absent, reason: why, deviceTime: nil, hostTime: now)
        } else {
            r = tables.numerics.reading(m, value: DecimalValue(mantissa: Int64(raw)), state: quality.state,
                                        reason: quality.reason, deviceTime: nil, hostTime: now)
        }
        output.observations.append(.numeric(r))
        output.count(.numerics)
        if !r.metric.isMapped { output.count(.unmappedCodes) }
    }

    private mutating func updateAlerts(_ active: [NoninTables.Flag], now: Timestamp, into output: inout DriverOutput) {
        let present = active.filter(\.alert).map { f in
            AlarmLifecycle.Present(key: "nonin:\(f.byte.rawValue):0x\(String(f.mask, radix: 16))", category: .technical,
                                   priority: .unknown, text: f.text, vendorCode: "nonin:\(f.byte.rawValue):0x\(String(f.mask, radix: 16))")
        }
        alerts.update(present: present, deviceTime: nil, hostTime: now, into: &output.observations)
    }
}
