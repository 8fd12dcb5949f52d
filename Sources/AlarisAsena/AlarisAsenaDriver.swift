import BedsideDriver
import BedsideModel

/// BD Alaris GH/CC syringe pumps over the "Asena" RS-232 protocol, read-only, as a sans-IO state
/// machine.
///
/// Per session it asks `INST_SERIALNO`, `COMMS_PROTOCOL` and `COMMS_RESPONSE_MAX`, then every
/// interval (default 5 s) `INF`, `INF_VTBI`, `ALARM` and `SYRINGE_STATUS` (``AsenaSession``). It
/// never unlocks remote control and never sends a command that changes the pump's programme.
/// What is known, assumed and unknown about each field is in Protocols/alaris-asena/README.md;
/// notably the mode vocabulary is unknown beyond `SET`, so "infusing" is inferred from the volume
/// infused rising between polls.
///
/// Driver option: ``intervalOption``.
public struct AlarisAsenaDriver: DeviceDriver {
    public static let intervalOption = DriverOptionSpec(
        name: "interval", kind: .integer(1...3600), help: "seconds between status polls (default: --interval, else 5)")

    public static let descriptor = DriverDescriptor(
        name: "alaris-asena",
        vendor: "BD (CareFusion) Alaris",
        summary: "BD Alaris GH/CC syringe pumps, Asena protocol (38400 8N1): rate, volume, VTBI, pressure, alarms, infusion events",
        defaultSerialSettings: SerialSettings(baudRate: 38400, dataBits: 8, parity: .none, stopBits: 1, flowControl: .none),
        options: [intervalOption],
        nominalUpdatePeriodNanoseconds: 5_000_000_000,
        detection: detection)

    /// The probe asks `INST_SERIALNO`, the identification query that opens every session: a read
    /// (never the remote-control unlock). The pump echoes the command with its serial number. 4 s:
    /// the longest response time a pump states in the notes (`COMMS_RESPONSE_MAX^4000^ms`).
    public static let detection = DriverDetection(
        approach: .request(AsenaCommand.serialNumber.frame),
        summary: "one INST_SERIALNO query", answerWithinNanoseconds: 4_000_000_000)

    static let model = "Alaris GH/CC syringe pump (Asena)"
    /// The pump's one channel: IHE PCD `1.1.2.x`, as for every pump driver.
    static let vmdCode: UInt32 = 69986
    static let sourceChannel: UInt16 = 2

    let tables = AsenaTables.shared
    private var framer = AsenaFrameDecoder()
    private var session: AsenaSession
    private var alarms = AlarmLifecycle()
    private var deriver = InfusionEventDeriver()
    private var cycle = AsenaCycle()
    private var previousVolume: DecimalValue?
    private var previousStatus: PumpChannelState.Status = .unknown
    private var sightLost = false

    public init(configuration: DriverConfiguration) {
        let interval = configuration.options[Self.intervalOption.name].flatMap { Int($0) } ?? configuration.updateIntervalSeconds ?? 5
        session = AsenaSession(transmit: configuration.transmitEnabled, intervalSeconds: max(1, min(interval, 3600)))
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        session.start(now: now, into: &output)
        output.count(.sessionsStarted)
        if let d = session.nextDeadline { output.wake(at: d) }
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for event in framer.feed(bytes) {
            switch event {
            case .frame(let fields):
                output.count(.framesAccepted)
                guard let command = session.reply(fields, now: now, into: &output) else {
                    output.count("frames.unexpected")
                    continue
                }
                handle(command, fields: fields, now: now, into: &output)
            case .error(let e):
                output.count(DriverCounter(e.counterName))
            }
        }
        let stray = framer.takeDiscarded()
        if stray > 0 { output.count(.bytesDiscarded, by: stray) }
        if let d = session.nextDeadline { output.wake(at: d) }
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        if session.tick(now: now, into: &output) {
            framer.reset()
            cycle = AsenaCycle()
            alarms.endAll(reason: "link silent: the pump's alarms can no longer be seen", hostTime: now, into: &output.observations)
            if deriver.state(subdevice: nil) != nil, !sightLost {
                sightLost = true
                deriver.communicationChanged(subdevices: [nil], detail: "communication lost", hostTime: now, into: &output.observations)
                // What runs now is not known until the pump answers again.
                for state in deriver.unknownStates(subdevices: [nil], hostTime: now) { output.observations.append(.pumpChannel(state)) }
            }
        }
        if let d = session.nextDeadline { output.wake(at: d) }
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        session.stop(now: now, into: &output)
        alarms.endAll(reason: "polling stopped", hostTime: now, into: &output.observations)
    }

    private mutating func handle(_ command: AsenaCommand, fields: [String], now: Timestamp, into output: inout DriverOutput) {
        if sightLost {
            sightLost = false
            deriver.communicationChanged(subdevices: [nil], detail: "communication restored", hostTime: now, into: &output.observations)
        }
        let values = Array(fields.dropFirst())
        switch command {
        case .serialNumber:
            if let serial = values.first, !serial.isEmpty {
                // Merged: several replies of one read may each say something about the pump.
                var update = output.identity ?? DeviceIdentityUpdate()
                update.model = Self.model
                update.serialNumber = serial
                output.identity = update
            }
        case .protocolVersion:
            if let v = values.first, !v.isEmpty {
                var update = output.identity ?? DeviceIdentityUpdate()
                update.model = Self.model
                update.softwareVersion = v
                output.identity = update
            }
        case .responseMaximum:
            // `4000^ms`
            if values.count >= 2, values[1] == "ms", let ms = Int64(values[0]), ms > 0, ms <= 60_000 {
                session.responseMaximum = ms * 1_000_000
            }
        case .infusion:
            guard values.count >= 11 else { output.count(.malformedFrames); output.count("replies.short-inf"); return }
            cycle.infusion = values
            emit(numeric("INF.rate", values[3], unit: values[4], now: now), into: &output)
            emit(numeric("INF.volumeInfused", values[6], unit: values[7], now: now), into: &output)
            emit(numeric("INF.pressure", values[8], unit: values[9], now: now), into: &output)
            emit(timeRemaining(values[10], now: now), into: &output)
        case .vtbi:
            cycle.vtbi = values
            if values.count >= 2 {
                if values[1].isEmpty {
                    cycle.vtbiQuantity = nil
                } else {
                    let r = numeric("INF_VTBI.vtbi", values[1], unit: values.count >= 3 ? values[2] : nil, now: now)
                    emit(r, into: &output)
                    cycle.vtbiQuantity = r.value.map { Quantity($0, unit: r.unit, unitCode: r.unitCode, vendorUnit: r.vendorUnit) }
                }
            }
        case .alarm:
            cycle.alarmCode = values.first.map { $0.trimmingSpaces }
        case .syringe:
            if values.count >= 2 { emit(numeric("SYRINGE_STATUS.size", values[1].trimmingSpaces, unit: "ml", now: now), into: &output) }
            finishCycle(now: now, into: &output)
        }
    }

    private func numeric(_ field: String, _ text: String, unit: String?, now: Timestamp) -> NumericReading {
        let f = tables.fields[field]
        let metric = f?.metric ?? .unmapped("alaris-asena:\(field)")
        let q = tables.quantity(0, unit: unit)
        var value: DecimalValue?
        var state = MeasurementState.valid
        var reason: String?
        if text.isEmpty {
            state = .absent
            reason = "empty field"
        } else if let v = DecimalValue(text) {
            value = v
        } else {
            state = .invalid
            reason = "not a number: \(text)"
        }
        return NumericReading(metric: metric, containment: Containment(vmd: 1, channel: Self.sourceChannel, metric: f?.ordinal ?? 0,
                                                                       vmdCode: Self.vmdCode),
                              value: value, unit: q.unit, unitCode: q.unitCode, vendorUnit: q.vendorUnit, state: state,
                              reason: reason, displayLabel: f?.display, deviceTime: nil, hostTime: now)
    }

    /// `INF` field 11: a number, or `N+` (more than N). Its unit is not documented.
    private func timeRemaining(_ text: String, now: Timestamp) -> NumericReading {
        var r = numeric("INF.timeRemaining", text.hasSuffix("+") ? String(text.dropLast()) : text, unit: nil, now: now)
        r.vendorUnit = "alaris-asena:time-remaining (unit not documented)"
        if text.hasSuffix("+"), r.value != nil {
            r.state = .overRange
            r.reason = "'\(text)': more than the pump shows; unit not documented"
        } else if r.state == .valid {
            // A number without a known unit cannot be read as a measurement.
            r.state = .questionable
            r.reason = "unit not documented (the sample '24+' suggests hours)"
        }
        return r
    }

    private func emit(_ r: NumericReading, into output: inout DriverOutput) {
        output.observations.append(.numeric(r))
        output.count(.numerics)
        if !r.metric.isMapped { output.count(.unmappedCodes) }
    }

    private mutating func finishCycle(now: Timestamp, into output: inout DriverOutput) {
        defer { cycle = AsenaCycle() }
        guard let inf = cycle.infusion else { return }
        var codes: [String] = []
        if let c = cycle.alarmCode, !c.isEmpty { codes.append(c) }
        let infAlarm = inf[1].trimmingSpaces
        if !infAlarm.isEmpty, infAlarm != "-", !codes.contains(infAlarm) { codes.append(infAlarm) }
        var present: [AlarmLifecycle.Present] = []
        var effects: Set<String> = []
        for code in codes {
            guard let a = tables.alarms[code] else {
                output.count(.unmappedCodes)
                present.append(AlarmLifecycle.Present(key: code, category: .unknown, priority: .unknown, text: code, vendorCode: code))
                continue
            }
            if a.effect == .noAlarm { continue }
            effects.insert(a.effect.rawValue)
            present.append(AlarmLifecycle.Present(key: code, category: a.category, priority: a.priority, text: a.text,
                                                  event: a.event, vendorCode: code))
        }
        alarms.update(present: present, deviceTime: nil, hostTime: now, into: &output.observations)

        let rate = DecimalValue(inf[3]).map { tables.quantity($0, unit: inf[4]) }
        let volume = DecimalValue(inf[6]).map { tables.quantity($0, unit: inf[7]) }
        // Status: from alarms when one stops the pump, else inferred from the volume infused
        // (the mode vocabulary is not public; README.md).
        let status: PumpChannelState.Status
        let rising: Bool? = {
            guard let v = volume?.value, let p = previousVolume else { return nil }
            return v.doubleValue > p.doubleValue
        }()
        if effects.contains(Self.completeEffect) {
            status = .completed
        } else if effects.contains(Self.stopsEffect) {
            status = .alarming
        } else if rising == true {
            status = .infusing
        } else if rising == false {
            status = (volume?.value.mantissa ?? 0) > 0 ? .paused : .stopped
        } else {
            status = .unknown
        }
        previousVolume = volume?.value
        previousStatus = status
        let reason: PumpChannelState.NotDeliveringReason? = switch status {
        case .completed: .completed
        case .alarming: .alarming
        case .paused, .stopped: .notSpecified
        default: nil
        }
        var remaining: Quantity?
        if let vtbi = cycle.vtbiQuantity, let vi = volume, vtbi.unit == vi.unit {
            let e = min(vtbi.value.exponent, vi.value.exponent)
            func scaled(_ d: DecimalValue) -> Int64 { var m = d.mantissa; for _ in 0..<Int(d.exponent - e) { m *= 10 }; return m }
            remaining = Quantity(DecimalValue(mantissa: max(0, scaled(vtbi.value) - scaled(vi.value)), exponent: e),
                                 unit: vtbi.unit, unitCode: vtbi.unitCode, vendorUnit: vtbi.vendorUnit)
        }
        let actual: Quantity? = switch status {
        case .infusing: rate
        case .unknown: nil
        default: Quantity(0, unit: "mL/h", unitCode: 265266)
        }
        let state = PumpChannelState(
            channel: "1", channelIndex: 1, containment: Containment(vmd: 1, channel: Self.sourceChannel, metric: 0, vmdCode: Self.vmdCode),
            mode: .unknown, status: status, notDeliveringReason: reason, programmedRate: rate, actualRate: actual,
            volumeToBeInfused: cycle.vtbiQuantity, volumeInfused: volume, volumeRemaining: remaining, deviceTime: nil, hostTime: now)
        output.observations.append(.pumpChannel(state))
        let stopping = present.filter { p in tables.alarms[p.key].map { $0.effect == .stops || $0.effect == .complete } ?? true }
        deriver.update(state, signals: .init(nearEnd: effects.contains(Self.nearEndEffect),
                                             alarms: Dictionary(stopping.map { ($0.key, $0.text) }, uniquingKeysWith: { a, _ in a })),
                       into: &output.observations)
    }

    static let completeEffect = AsenaTables.Effect.complete.rawValue
    static let stopsEffect = AsenaTables.Effect.stops.rawValue
    static let nearEndEffect = AsenaTables.Effect.nearEnd.rawValue
}

/// The replies of one poll cycle, combined when the cycle's last reply arrives.
struct AsenaCycle: Sendable {
    var infusion: [String]?
    var vtbi: [String]?
    var vtbiQuantity: Quantity?
    var alarmCode: String?
}

extension String {
    /// Without leading and trailing spaces (`BD PLASTIPAK^ 50^CONF`, `AL_NOALM^ ^ `).
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
