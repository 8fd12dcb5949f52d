import BedsideDriver
import BedsideModel

/// Turns one pump report into the feed's terms: numerics from `parameters.tsv` and the channel
/// state of the pump model (feed schema 2.0, IHE PCD pump content).
enum BCCNormalizer {
    /// The pump's VMD (`MDC_DEV_PUMP_INFUS_VMD`) and its primary infusate source, `1.1.2.x` as in
    /// IHE PCD TF-2 Appendix M (pumps.md §3.1).
    static let vmdCode: UInt32 = 69986
    static let sourceChannel: UInt16 = 2

    /// INRMT's value when no end is set (observed: no VTBI, pumps.md §1.8).
    static let unboundedRemainingTime = "65535"

    static func numerics(_ report: BCCPumpReport, tables: BCCTables, deviceTime: DeviceTime, now: Timestamp,
                         subdevice: String) -> [NumericReading] {
        var out: [NumericReading] = []
        var seenMetrics = Set<String>()
        for key in report.order {
            guard let p = tables.parameters[key], let raw = report.values[key] else { continue }
            // PATW replaces INPATW: one value per metric and pump.
            let metricKey = p.metric.referenceID ?? p.metric.vendorCode
            guard seenMetrics.insert(metricKey).inserted else { continue }
            var unit = p.unit
            var unitCode = p.unitCode
            var vendorUnit: String?
            if let from = p.unitFrom {
                let q = tables.quantity(0, unitCode: report.integer(from))
                unit = q.unit
                unitCode = q.unitCode
                vendorUnit = q.vendorUnit ?? report.text(from).map { "bbraun-bcc:unit.\($0)" }
            }
            var value: DecimalValue?
            var state = MeasurementState.valid
            var reason: String?
            switch raw {
            case .noValue:
                state = .absent
                reason = "_NV: the pump has no value"
            case .notAvailable:
                state = .absent
                reason = "_NA: temporarily unavailable"
            case .text(let t):
                if key == "INRMT", t == unboundedRemainingTime {
                    state = .absent
                    reason = "65535: no end time (no volume or time limit set)"
                } else if let v = DecimalValue(t) {
                    value = v
                    if p.unitFrom != nil, unit == nil, vendorUnit == nil { reason = "no unit code sent" }
                } else {
                    state = .invalid
                    reason = "not a number: \(t)"
                }
            }
            out.append(NumericReading(
                metric: p.metric, containment: Containment(vmd: 1, channel: sourceChannel, metric: p.ordinal, vmdCode: vmdCode),
                value: value, unit: unit, unitCode: unitCode, vendorUnit: vendorUnit, state: state, reason: reason,
                displayLabel: p.display, deviceTime: deviceTime, hostTime: now, subdevice: subdevice))
        }
        return out
    }

    static func channel(_ report: BCCPumpReport, meaning: BCCPumpInterpretation, numerics: [NumericReading], tables: BCCTables,
                        deviceTime: DeviceTime, now: Timestamp, subdevice: String) -> PumpChannelState {
        func quantity(_ key: String) -> Quantity? {
            guard let r = numerics.first(where: { $0.metric.vendorCode == "bbraun-bcc:\(key)" }), r.state == .valid,
                  let v = r.value else { return nil }
            return Quantity(v, unit: r.unit, unitCode: r.unitCode, vendorUnit: r.vendorUnit)
        }
        let drug = [report.text("INSOL"), report.text("INSOLSN")].compactMap { $0 }.first { !$0.isEmpty }
        let doseMode = meaning.doseMode
        let concentration = quantity("INDCON").flatMap { doseMode == false ? nil : $0 }
        let doseRate = quantity("DORT") ?? (doseMode == true ? quantity("INDORT") : nil)
        let rate = quantity("INRT")
        var actual: Quantity?
        if let running = meaning.running {
            actual = running ? rate : Quantity(0, unit: "mL/h", unitCode: 265266)
        }
        var remaining = quantity("VOLREMAIN")
        if remaining == nil, let vtbi = quantity("INVTB"), let vi = quantity("INVI"), vtbi.value.mantissa > 0 {
            // Exact decimal difference of two values the pump sent (same unit, mL).
            remaining = Quantity(Self.subtract(vtbi.value, vi.value), unit: "mL", unitCode: 263762)
        }
        return PumpChannelState(
            channel: "1", channelIndex: 1, containment: Containment(vmd: 1, channel: sourceChannel, metric: 0, vmdCode: vmdCode),
            mode: meaning.mode, status: meaning.status, notDeliveringReason: meaning.reason, drug: drug,
            concentration: concentration, programmedRate: rate, actualRate: actual, doseRate: doseRate,
            volumeToBeInfused: quantity("INVTB").flatMap { $0.value.mantissa == 0 ? nil : $0 }, volumeInfused: quantity("INVI"),
            volumeRemaining: remaining, timeRemaining: quantity("INRMT"), deviceTime: deviceTime, hostTime: now, subdevice: subdevice)
    }

    /// `a − b` exactly, at the finer of the two scales; never below zero.
    static func subtract(_ a: DecimalValue, _ b: DecimalValue) -> DecimalValue {
        let e = min(a.exponent, b.exponent)
        func scaled(_ v: DecimalValue) -> Int64 {
            var m = v.mantissa
            for _ in 0..<Int(v.exponent - e) { m *= 10 }
            return m
        }
        return DecimalValue(mantissa: max(0, scaled(a) - scaled(b)), exponent: e)
    }
}

/// Pump types from `GNMODEL` (pumps.md §1.8).
enum BCCPumpModel {
    static func name(for code: String) -> String {
        let prefixes: [(String, String)] = [
            ("686", "Infusomat Space"), ("687", "Infusomat Space P"), ("688", "Perfusor Space"),
            ("586", "Infusomat Space (US)"), ("587", "Infusomat Space P (US)"), ("588", "Perfusor Space (US)"),
            ("I0002", "Perfusor Compact+"), ("I0003", "Infusomat Compact+"),
        ]
        return prefixes.first { code.hasPrefix($0.0) }?.1 ?? "pump type \(code)"
    }

    static func identity(_ report: BCCPumpReport) -> DeviceIdentityUpdate? {
        var update = DeviceIdentityUpdate()
        if let m = report.modelCode {
            update.model = name(for: m)
            update.softwareVersion = m
        }
        update.serialNumber = report.text("INSERNUM") ?? report.text("INNR")
        return update
    }
}
