/// Writes ``FeedRecord``s as single-line JSON objects (the NDJSON feed), per docs/feed-schema.md.
///
/// Hand-written rather than `JSONEncoder` for two reasons: numbers must be written exactly
/// (``DecimalValue/text``), and this runs for every reading of every device.
public struct FeedJSONWriter: Sendable {
    public init() {}

    /// The record as one JSON object, without a trailing newline.
    public func line(for record: FeedRecord) -> String {
        var out = [UInt8]()
        out.reserveCapacity(384)
        append(record, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func append(_ record: FeedRecord, to out: inout [UInt8]) {
        var o = JSONObjectWriter(&out)
        o.string(#""schemaVersion":"#, FeedRecord.schemaVersion)
        o.string(#""bridgeId":"#, record.bridgeId)
        o.integer(#""seq":"#, Int64(record.seq))
        o.string(#""kind":"#, record.observation.kind)
        o.bool(#""simulated":"#, record.device.simulated)
        if record.replayed { o.bool(#""replayed":"#, true) }
        switch record.observation {
        case .numeric(let r): o.numericFields(r)
        case .waveform(let w):
            o.metric(w.metric)
            o.integer(#""instance":"#, Int64(w.instance))
            if let c = w.containment { o.containment(c) }
            o.string(#""unit":"#, w.unit)
            o.integer(#""unitCode":"#, w.unitCode.map(Int64.init))
            if let v = w.vendorUnit { o.string(#""vendorUnit":"#, v) }
            o.decimal(#""scale":"#, w.scale)
            o.decimal(#""offset":"#, w.offset)
            o.integer(#""samplePeriodNs":"#, w.samplePeriodNanoseconds)
            o.key(#""samples":"#)
            o.out.append(UInt8(ascii: "["))
            for (i, s) in w.samples.enumerated() {
                if i > 0 { o.out.append(UInt8(ascii: ",")) }
                if let s { JSONObjectWriter.appendInteger(Int64(s), to: &o.out) } else { o.out.append(contentsOf: JSONObjectWriter.null) }
            }
            o.out.append(UInt8(ascii: "]"))
            o.string(#""state":"#, w.state.rawValue)
            if let v = w.reason { o.string(#""reason":"#, v) }
            if let v = w.site { o.string(#""site":"#, v) }
            if let v = w.displayLabel { o.string(#""displayLabel":"#, v) }
            o.deviceTime(#""deviceTime":"#, w.deviceTime)
            o.time(#""hostTime":"#, w.hostTime)
        case .alarm(let a): o.alarmFields(a)
        case .pumpChannel(let p): o.pumpFields(p)
        case .infusionEvent(let e):
            o.string(#""event":"#, e.kind.rawValue)
            if let m = e.event { o.key(#""eventCode":"#); o.nestedMetric(m) }
            if let p = e.channel { o.key(#""channel":"#); o.nested { $0.pumpFields(p) } }
            if let q = e.previousRate { o.quantity(#""previousRate":"#, q) }
            if let v = e.detail { o.string(#""detail":"#, v) }
            o.deviceTime(#""deviceTime":"#, e.deviceTime)
            o.time(#""hostTime":"#, e.hostTime)
        case .link(let l):
            o.string(#""event":"#, l.kind.rawValue)
            if let v = l.detail { o.string(#""detail":"#, v) }
            if let v = l.clockSkewNanoseconds { o.integer(#""clockSkewNs":"#, v) }
            o.time(#""hostTime":"#, l.hostTime)
        case .snapshot(let s):
            o.string(#""link":"#, s.link?.rawValue)
            o.key(#""numerics":"#)
            o.array(s.numerics) { w, r in w.nested { $0.numericFields(r) } }
            o.key(#""activeAlarms":"#)
            o.array(s.activeAlarms) { w, a in w.nested { $0.alarmFields(a) } }
            if !s.pumpChannels.isEmpty {
                o.key(#""pumpChannels":"#)
                o.array(s.pumpChannels) { w, p in w.nested { $0.pumpFields(p) } }
            }
            o.time(#""hostTime":"#, s.hostTime)
        }
        o.key(#""device":"#)
        var d = JSONObjectWriter(&o.out)
        defer { o.close(into: &out) }
        d.string(#""id":"#, record.device.id)
        d.string(#""driver":"#, record.device.driver)
        d.string(#""vendor":"#, record.device.vendor)
        d.string(#""model":"#, record.device.model)
        d.string(#""serial":"#, record.device.serialNumber)
        if let v = record.device.softwareVersion { d.string(#""software":"#, v) }
        d.string(#""port":"#, record.device.port)
        if let v = record.device.portID { d.string(#""portId":"#, v) }
        if let v = record.device.location { d.string(#""location":"#, v) }
        if let v = record.device.subdevice { d.string(#""subdevice":"#, v) }
        if let v = record.device.timeZone { d.string(#""timeZone":"#, v) }
        d.close(into: &o.out)
    }
}

extension JSONObjectWriter {
    mutating func numericFields(_ r: NumericReading) {
        metric(r.metric)
        integer(#""instance":"#, Int64(r.instance))
        if let c = r.containment { containment(c) }
        decimal(#""value":"#, r.value)
        string(#""unit":"#, r.unit)
        integer(#""unitCode":"#, r.unitCode.map(Int64.init))
        if let v = r.vendorUnit { string(#""vendorUnit":"#, v) }
        string(#""state":"#, r.state.rawValue)
        if let v = r.reason { string(#""reason":"#, v) }
        if let v = r.site { string(#""site":"#, v) }
        if let v = r.source { string(#""source":"#, v) }
        if let v = r.mode { string(#""mode":"#, v) }
        if let v = r.displayLabel { string(#""displayLabel":"#, v) }
        if r.episodic { bool(#""episodic":"#, true) }
        deviceTime(#""deviceTime":"#, r.deviceTime)
        time(#""hostTime":"#, r.hostTime)
        if let v = r.ageNanoseconds { integer(#""ageNs":"#, v) }
    }

    mutating func alarmFields(_ a: AlarmEvent) {
        string(#""alarmId":"#, a.alarmId)
        string(#""phase":"#, a.phase.rawValue)
        string(#""category":"#, a.category.rawValue)
        string(#""priority":"#, a.priority.rawValue)
        string(#""text":"#, a.text)
        if let e = a.event { key(#""eventCode":"#); nestedMetric(e) }
        if let m = a.metric { key(#""source":"#); nestedMetric(m, instance: a.instance) }
        if let q = a.value { quantity(#""value":"#, q) }
        if let v = a.lowerLimit { decimal(#""lowerLimit":"#, v) }
        if let v = a.upperLimit { decimal(#""upperLimit":"#, v) }
        key(#""flags":"#)
        out.append(UInt8(ascii: "["))
        var firstFlag = true
        for (flag, name) in AlarmEvent.Flags.names where a.flags.contains(flag) {
            if !firstFlag { out.append(UInt8(ascii: ",")) }
            firstFlag = false
            Self.appendString(name, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let v = a.vendorCode { string(#""alarmCode":"#, v) }
        if let v = a.endReason { string(#""endReason":"#, v) }
        deviceTime(#""deviceTime":"#, a.deviceTime)
        time(#""hostTime":"#, a.hostTime)
    }

    mutating func pumpFields(_ p: PumpChannelState) {
        string(#""channel":"#, p.channel)
        integer(#""channelIndex":"#, Int64(p.channelIndex))
        if let c = p.containment { containment(c) }
        string(#""mode":"#, p.mode.rawValue)
        string(#""status":"#, p.status.rawValue)
        if let v = p.notDeliveringReason { string(#""notDeliveringReason":"#, v.rawValue) }
        string(#""drug":"#, p.drug)
        optionalQuantity(#""concentration":"#, p.concentration)
        optionalQuantity(#""programmedRate":"#, p.programmedRate)
        optionalQuantity(#""actualRate":"#, p.actualRate)
        optionalQuantity(#""doseRate":"#, p.doseRate)
        optionalQuantity(#""volumeToBeInfused":"#, p.volumeToBeInfused)
        optionalQuantity(#""volumeInfused":"#, p.volumeInfused)
        optionalQuantity(#""volumeRemaining":"#, p.volumeRemaining)
        optionalQuantity(#""timeRemaining":"#, p.timeRemaining)
        deviceTime(#""deviceTime":"#, p.deviceTime)
        time(#""hostTime":"#, p.hostTime)
    }

    mutating func containment(_ c: Containment) {
        key(#""containment":"#)
        nested { w in
            w.key(#""path":"#)
            w.out.append(UInt8(ascii: "\""))
            w.out.append(UInt8(ascii: "1"))
            // Written digit by digit: building the path string would allocate for every value.
            w.out.append(UInt8(ascii: "."))
            Self.appendInteger(Int64(c.vmd), to: &w.out)
            w.out.append(UInt8(ascii: "."))
            Self.appendInteger(Int64(c.channel), to: &w.out)
            w.out.append(UInt8(ascii: "."))
            Self.appendInteger(Int64(c.metric), to: &w.out)
            w.out.append(UInt8(ascii: "\""))
            if let v = c.vmdCode { w.integer(#""vmdCode":"#, Int64(v)) }
            if let v = c.channelCode { w.integer(#""channelCode":"#, Int64(v)) }
        }
    }

    mutating func optionalQuantity(_ name: StaticString, _ q: Quantity?) {
        guard let q else { key(name); out.append(contentsOf: Self.null); return }
        quantity(name, q)
    }

    mutating func quantity(_ name: StaticString, _ q: Quantity) {
        key(name)
        nested { w in
            w.decimal(#""value":"#, q.value)
            w.string(#""unit":"#, q.unit)
            w.integer(#""unitCode":"#, q.unitCode.map(Int64.init))
            if let v = q.vendorUnit { w.string(#""vendorUnit":"#, v) }
        }
    }

    /// `{"metric":…,"code":…,"vendorCode":…,"mapped":…}` as a nested object.
    mutating func nestedMetric(_ m: MetricIdentity, instance: UInt16? = nil) {
        nested { w in
            w.metric(m)
            if let instance { w.integer(#""instance":"#, Int64(instance)) }
        }
    }

    /// Writes a nested object built by `body` at the current position (after a key).
    mutating func nested(_ body: (inout JSONObjectWriter) -> Void) {
        var inner = JSONObjectWriter(&out)
        body(&inner)
        inner.close(into: &out)
    }

    mutating func array<T>(_ items: [T], _ element: (inout JSONObjectWriter, T) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            element(&self, item)
        }
        out.append(UInt8(ascii: "]"))
    }
}

/// Appends `"key":value` pairs of one JSON object to a byte buffer.
struct JSONObjectWriter {
    var out: [UInt8]
    private var first = true

    init(_ buffer: inout [UInt8]) {
        out = buffer
        buffer = []  // keep a single reference so appends do not copy
        out.append(UInt8(ascii: "{"))
    }

    /// Closes the object and hands the buffer back.
    mutating func close(into buffer: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        swap(&buffer, &out)
    }

    /// `,"name":` — keys are compile-time constants, copied in one go (this runs ~20 times a record).
    /// Appends `,"name":`; `name` is the whole key literal with its quotes and colon
    /// (`#""value":"#`), so a key costs one copy.
    mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        Self.appendString(value, to: &out)
    }

    mutating func integer(_ name: StaticString, _ value: Int64?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        Self.appendInteger(value, to: &out)
    }

    mutating func decimal(_ name: StaticString, _ value: DecimalValue?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        value.appendText(to: &out)
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    mutating func deviceTime(_ name: StaticString, _ value: DeviceTime?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        out.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func time(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        out.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func metric(_ m: MetricIdentity) {
        string(#""metric":"#, m.referenceID)
        integer(#""code":"#, m.code.map(Int64.init))
        string(#""vendorCode":"#, m.vendorCode)
        key(#""mapped":"#)
        out.append(contentsOf: m.isMapped ? Self.trueBytes : Self.falseBytes)
    }

    static let null: [UInt8] = Array("null".utf8)
    static let trueBytes: [UInt8] = Array("true".utf8)
    static let falseBytes: [UInt8] = Array("false".utf8)

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var m = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(48 + m % 10)
                m /= 10
                count += 1
            } while m > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        // Fast path: most strings need no escaping and are copied in one go, quotes included.
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
            else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        } ?? false
        if copied { return }
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(92); out.append(b)
            case 0x0A: out.append(92); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(92); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(92); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
