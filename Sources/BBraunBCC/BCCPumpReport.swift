import BedsideDriver
import BedsideModel

/// How the 32-bit words (ALARM1, ALARM2, STATUS1, PREALARM) are written on the wire. No public
/// capture shows it (pumps.md §1.9), so `auto` accepts every plausible form.
public enum BCCWordFormat: String, Sendable, CaseIterable {
    /// `0x`-prefixed or `h`-suffixed hex, bare 8 hex digits (like INNR), else decimal.
    case auto
    case hex
    case decimal

    public func parse(_ text: String) -> UInt32? {
        var t = Substring(text)
        switch self {
        case .decimal:
            return UInt32(t)
        case .hex:
            if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
            if t.hasSuffix("h") || t.hasSuffix("H") { t = t.dropLast() }
            return t.isEmpty || t.count > 8 ? nil : UInt32(t, radix: 16)
        case .auto:
            if t.hasPrefix("0x") || t.hasPrefix("0X") || t.hasSuffix("h") || t.hasSuffix("H") || t.count == 8 {
                return BCCWordFormat.hex.parse(text)
            }
            return UInt32(t)
        }
    }
}

/// Everything one answer said about one pump slot: its parameters, as sent.
public struct BCCPumpReport: Sendable {
    public var address: BCCAddress
    /// ComDevice seconds of the latest quadruple.
    public var time: Int64
    public var values: [String: BCCValue] = [:]
    /// Parameter keys in the order they arrived.
    public var order: [String] = []
    /// GNERR codes reported at this address.
    public var errors: [Int] = []

    public init(address: BCCAddress, time: Int64) {
        self.address = address
        self.time = time
    }

    mutating func add(_ q: BCCQuadruple) {
        time = max(time, q.time)
        if q.parameter == "GNERR" {
            if let code = q.value?.text.flatMap({ Int($0) }) { errors.append(code) }
            return
        }
        if values.updateValue(q.value ?? .noValue, forKey: q.parameter) == nil { order.append(q.parameter) }
    }

    public func text(_ key: String) -> String? { values[key]?.text }
    public func decimal(_ key: String) -> DecimalValue? { text(key).flatMap { DecimalValue($0) } }
    public func integer(_ key: String) -> Int? { text(key).flatMap { Int($0) } }
    public func flag(_ key: String) -> Bool? {
        switch text(key) {
        case "1": true
        case "0": false
        default: nil
        }
    }

    /// Whether the pump was just inserted (`GNNEW` instead of `GNMODEL`).
    public var isNew: Bool { values["GNNEW"] != nil }
    /// `GNMODEL`, or `GNNEW` in the first answer after insertion.
    public var modelCode: String? { text("GNMODEL") ?? text("GNNEW") }
}

/// What a pump report means: the channel's state, its alarms, the signals events are derived from.
/// Derived from STATUS1/ALARM1/ALARM2/PREALARM when the ComDevice sends them, else from the
/// INMxx/INAxx flags (the words disable the flags, pumps.md §1.8).
public struct BCCPumpInterpretation: Sendable {
    public var status: PumpChannelState.Status
    public var mode: PumpChannelState.Mode
    public var reason: PumpChannelState.NotDeliveringReason?
    public var running: Bool?
    public var bolusActive: Bool?
    public var nearEnd: Bool?
    /// Dose mode is on (STATUS1 bit 15 or INDOCAL): concentration and dose rate are programmed.
    public var doseMode: Bool?
    public var alarms: [AlarmLifecycle.Present]
    /// Alarm bits set that the table does not know (kept as text so nothing is lost).
    public var unknownBits: [String]

    public init(report: BCCPumpReport, tables: BCCTables, wordFormat: BCCWordFormat) {
        var present: [AlarmLifecycle.Present] = []
        var unknown: [String] = []
        var stops = false
        var complete = false
        var nearEnd: Bool?
        func add(_ key: BCCTables.AlarmKey, raw: String) {
            guard let a = tables.alarms[key] else {
                unknown.append("\(key.word) bit \(key.bit)")
                present.append(AlarmLifecycle.Present(
                    key: "\(key.word).\(key.bit)", category: .unknown, priority: .unknown,
                    text: "\(key.word) bit \(key.bit) (not in the specification's list)", vendorCode: "\(key.word)=\(raw)"))
                return
            }
            switch a.effect {
            case .stops: stops = true
            case .complete: complete = true
            case .nearEnd: nearEnd = true
            case .none: break
            }
            present.append(AlarmLifecycle.Present(
                key: "\(key.word).\(key.bit)", category: a.category, priority: a.priority, text: a.text,
                event: a.event, vendorCode: "\(key.word).\(key.bit)"))
        }
        let status1 = report.text("STATUS1").flatMap { wordFormat.parse($0) }
        var wordsSeen = false
        for word in ["ALARM1", "ALARM2", "PREALARM"] {
            guard let raw = report.text(word), let bits = wordFormat.parse(raw) else { continue }
            wordsSeen = true
            // Bit 0 of ALARM1/PREALARM means "no (pre-)alarm": only bits 1–31 are conditions.
            for bit in 1..<32 where bits & (1 << UInt32(bit)) != 0 { add(.init(word: word, bit: bit), raw: raw) }
        }
        if !wordsSeen {
            for n in 1...16 where report.flag("INA\(n)") == true { add(.init(word: "INA", bit: n), raw: "1") }
        }
        if wordsSeen, nearEnd == nil, report.text("PREALARM") != nil { nearEnd = false }
        if !wordsSeen, nearEnd == nil, report.flag("INA12") != nil { nearEnd = false }

        let running: Bool?
        let standby: Bool?
        let kvo: Bool?
        let therapyStarted: Bool?
        if let s = status1 {
            func bit(_ n: UInt32) -> Bool { s & (1 << n) != 0 }
            running = bit(7)
            standby = bit(2)
            kvo = bit(13)
            therapyStarted = bit(8)
            doseMode = bit(15)
            bolusActive = bit(10) || bit(11)
            mode = bit(13) ? .kvo : (bit(10) || bit(11)) ? .bolus : bit(23) ? .primary : .secondary
        } else {
            // INM3 is also set while purging (INM14).
            running = report.flag("INM3").map { $0 && report.flag("INM14") != true }
            standby = report.flag("INM6")
            kvo = report.flag("INM10")
            therapyStarted = report.decimal("INVI").map { $0.mantissa > 0 }
            bolusActive = report.flag("INM2")
            doseMode = report.flag("INDOCAL")
            switch report.integer("ACTCHAN") {
            case 0: mode = .secondary
            case 1: mode = .primary
            default: mode = bolusActive == true ? .bolus : .unknown
            }
        }
        if report.integer("OPMODE") == 4 { mode = .pca }

        switch (running, complete, stops) {
        case (_, true, _):
            status = .completed
            reason = .completed
        case (true?, _, _):
            status = kvo == true ? .kvo : .infusing
            reason = nil
        case (_, _, true):
            status = .alarming
            reason = .alarming
        case (false?, _, _):
            if standby == true {
                status = .standby
            } else {
                status = therapyStarted == true ? .paused : .stopped
            }
            reason = .notSpecified
        case (nil, _, _):
            status = .unknown
            reason = nil
        }
        self.running = running
        self.nearEnd = nearEnd
        alarms = present
        unknownBits = unknown
    }
}
