import BedsideDriver
import BedsideModel

/// Turns checked replies into readings and device-status notices (vital-signs-monitors.md §2.6–2.9).
///
/// - NIBP and temperature are spot determinations: each is reported once (``DinamapEpisodeTracker``),
///   `episodic`, with its measurement time (receipt minus the reply's seconds-since field; the
///   protocol carries no clock). A failed determination is reported once: the values absent, the
///   status in the reason.
/// - SpO2, signal strength, averaging and the pulse rate are current values on every poll.
/// - Every status other than "ok" is a device-status notice (technical, priority `none`) through one
///   ``AlarmLifecycle``: the monitor's own alarms are not readable with the public commands (§2.9),
///   and these notices must not pass for them.
/// - Temperature is forwarded in °F, as sent (tenths): converting would round.
struct DinamapReplyDecoder: Sendable {
    let tables: GEDinamapTables
    var notices = AlarmLifecycle()
    private var current: [String: AlarmLifecycle.Present] = [:]
    private var nibp = DinamapEpisodeTracker()
    private var temperature = DinamapEpisodeTracker()

    init(tables: GEDinamapTables) { self.tables = tables }

    mutating func decode(_ reply: DinamapReply, zone: any DeviceTimeZone, now: Timestamp, into output: inout DriverOutput) {
        let before = output.observations.count
        switch reply {
        case .nibp(let n): decodeNIBP(n, zone: zone, now: now, into: &output)
        case .oximetry(let o): decodeOximetry(o, now: now, into: &output)
        case .rate(let r): decodeRate(r, now: now, into: &output)
        case .temperature(let t): decodeTemperature(t, zone: zone, now: now, into: &output)
        }
        var numerics = 0, unmapped = 0
        for o in output.observations[before...] {
            guard case .numeric(let r) = o else { continue }
            numerics += 1
            if !r.metric.isMapped { unmapped += 1 }
        }
        if numerics > 0 { output.count(.numerics, by: numerics) }
        if unmapped > 0 { output.count(.unmappedCodes, by: unmapped) }
        notices.update(present: current.keys.sorted().compactMap { current[$0] }, deviceTime: nil, hostTime: now,
                       into: &output.observations)
    }

    /// Records the notice of `part` (`NA`, `OA`, `TC`) for its status, or clears it when ok.
    private mutating func notice(_ part: String, status: UInt8, known: GEDinamapTables.Status?) {
        let code = "ge-dinamap:\(part).status.\(String(decoding: [status], as: UTF8.self))"
        if let known, known.kind == .ok {
            current[part] = nil
            return
        }
        let text = known.map { "\($0.text) (device status, not a monitor alarm)" }
            ?? "\(part) status '\(String(decoding: [status], as: UTF8.self))' not in our sources (device status)"
        current[part] = AlarmLifecycle.Present(key: code, category: known?.kind == .busy ? .advisory : .technical,
                                               priority: .none, text: text, vendorCode: code)
    }

    private func reason(_ part: String, _ status: UInt8, _ known: GEDinamapTables.Status?) -> String {
        let s = String(decoding: [status], as: UTF8.self)
        return known.map { "\($0.text) (\(part) status \(s))" } ?? "\(part) status '\(s)' not in our sources"
    }

    private mutating func decodeNIBP(_ n: DinamapReply.NIBP, zone: any DeviceTimeZone, now: Timestamp, into output: inout DriverOutput) {
        let known = tables.status("NA", n.status)
        notice("NA", status: n.status, known: known)
        let ok = known?.kind == .ok
        let failed = known == nil || known?.kind == .failed
        let since = n.secondsSince == 9999 ? nil : n.secondsSince
        // While the cuff inflates the reply still shows the last determination (§2.11): reportable once.
        let verdict = nibp.step(statusOK: ok || known?.kind == .busy, failed: failed, status: n.status, key: [n.systolic, n.diastolic, n.mean],
                                secondsSince: since, now: now)
        let mode = n.determinationType == UInt8(ascii: "1") ? "stat" : n.determinationType == UInt8(ascii: "0") ? "normal" : nil
        let parts: [(String, Int)] = [("NA.sys", n.systolic), ("NA.dia", n.diastolic), ("NA.mean", n.mean)]
        switch verdict {
        case .repeated:
            return
        case .newResult(let at):
            for (key, value) in parts {
                var r = tables.numerics.reading(tables.mapping(key), value: DecimalValue(mantissa: Int64(value)),
                                                state: .valid, deviceTime: zone.deviceTime(at: at), hostTime: now)
                r.episodic = true
                r.mode = mode
                output.observations.append(.numeric(r))
            }
        case .newFailure:
            for (key, _) in parts {
                var r = tables.numerics.reading(tables.mapping(key), value: nil, state: known == nil ? .invalid : .absent,
                                                reason: reason("NA", n.status, known), deviceTime: nil, hostTime: now)
                r.episodic = true
                r.mode = mode
                output.observations.append(.numeric(r))
            }
        }
    }

    private mutating func decodeOximetry(_ o: DinamapReply.Oximetry, now: Timestamp, into output: inout DriverOutput) {
        let known = tables.status("OA", o.status)
        notice("OA", status: o.status, known: known)
        let spo2 = tables.mapping("OA.spo2")
        switch known?.kind {
        case .ok?:
            output.observations.append(.numeric(tables.numerics.reading(
                spo2, value: DecimalValue(mantissa: Int64(o.spo2)), state: .valid, deviceTime: nil, hostTime: now)))
            output.observations.append(.numeric(tables.numerics.reading(
                tables.mapping("OA.signal"), value: DecimalValue(mantissa: Int64(o.signalStrength)), state: .valid,
                deviceTime: nil, hostTime: now)))
        case nil:
            // A status we cannot interpret: the number is kept, never used as a measurement.
            output.observations.append(.numeric(tables.numerics.reading(
                spo2, value: DecimalValue(mantissa: Int64(o.spo2)), state: .invalid, reason: reason("OA", o.status, nil),
                deviceTime: nil, hostTime: now)))
        default:
            output.observations.append(.numeric(tables.numerics.reading(
                spo2, value: nil, state: .absent, reason: reason("OA", o.status, known), deviceTime: nil, hostTime: now)))
        }
    }

    private func decodeRate(_ r: DinamapReply.Rate, now: Timestamp, into output: inout DriverOutput) {
        let source = String(decoding: [r.source], as: UTF8.self)
        if let mapping = tables.numerics["RA.\(source)"] {
            if let rate = r.rate, rate != 0 {
                output.observations.append(.numeric(tables.numerics.reading(
                    mapping, value: DecimalValue(mantissa: Int64(rate)), state: .valid, deviceTime: nil, hostTime: now)))
            } else {
                output.observations.append(.numeric(tables.numerics.reading(
                    mapping, value: nil, state: .absent, reason: "no rate (\(r.command) value \(r.rate.map(String.init) ?? "-99"))",
                    deviceTime: nil, hostTime: now)))
            }
        } else {
            // A source our notes do not name: forwarded under its own code, never as a known pulse rate.
            output.observations.append(.numeric(NumericReading(
                metric: .unmapped("ge-dinamap:RA.\(source)"), value: r.rate.map { DecimalValue(mantissa: Int64($0)) },
                unit: "/min", unitCode: 264864, state: r.rate == nil ? .absent : .valid,
                reason: "rate source '\(source)' not in our sources", deviceTime: nil, hostTime: now)))
        }
    }

    private mutating func decodeTemperature(_ t: DinamapReply.Temperature, zone: any DeviceTimeZone, now: Timestamp,
                                            into output: inout DriverOutput) {
        let known = tables.status("TC", t.status)
        notice("TC", status: t.status, known: known)
        let since = t.secondsSince == 99999 ? nil : t.secondsSince
        let verdict = temperature.step(statusOK: known?.kind == .ok, failed: known == nil || known?.kind == .failed,
                                       status: t.status, key: [Int(t.counter), t.tenthsFahrenheit], secondsSince: since,
                                       now: now)
        let mapping = tables.mapping("TC.temp")
        switch verdict {
        case .repeated:
            return
        case .newResult(let at):
            var r = tables.numerics.reading(mapping, value: DecimalValue(raw: t.tenthsFahrenheit, exponent: -1), state: .valid,
                                            deviceTime: zone.deviceTime(at: at), hostTime: now)
            r.episodic = true
            r.mode = t.mode == UInt8(ascii: "1") ? "monitor" : "predictive"
            output.observations.append(.numeric(r))
        case .newFailure:
            var r = tables.numerics.reading(mapping, value: nil, state: known == nil ? .invalid : .absent,
                                            reason: reason("TC", t.status, known), deviceTime: nil, hostTime: now)
            r.episodic = true
            output.observations.append(.numeric(r))
        }
    }

    /// The device can no longer be seen: its notices end.
    mutating func endAll(reason: String, now: Timestamp, into observations: inout [Observation]) {
        current.removeAll()
        notices.endAll(reason: reason, hostTime: now, into: &observations)
    }
}
