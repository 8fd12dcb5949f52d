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
        o.string("schemaVersion", FeedRecord.schemaVersion)
        o.integer("seq", Int64(record.seq))
        o.string("kind", record.observation.kind)
        switch record.observation {
        case .numeric(let r):
            o.metric(r.metric)
            o.decimal("value", r.value)
            o.string("unit", r.unit)
            if let v = r.vendorUnit { o.string("vendorUnit", v) }
            o.string("state", r.state.rawValue)
            if let v = r.reason { o.string("reason", v) }
            if let v = r.label { o.string("label", v) }
            o.time("deviceTime", r.deviceTime)
            o.time("hostTime", r.hostTime)
        case .waveform(let w):
            o.metric(w.metric)
            o.string("unit", w.unit)
            if let v = w.vendorUnit { o.string("vendorUnit", v) }
            o.decimal("scale", w.scale)
            o.decimal("offset", w.offset)
            o.integer("samplePeriodNs", w.samplePeriodNanoseconds)
            o.key("samples")
            o.out.append(UInt8(ascii: "["))
            for (i, s) in w.samples.enumerated() {
                if i > 0 { o.out.append(UInt8(ascii: ",")) }
                if let s { JSONObjectWriter.appendInteger(Int64(s), to: &o.out) } else { o.out.append(contentsOf: JSONObjectWriter.null) }
            }
            o.out.append(UInt8(ascii: "]"))
            o.string("state", w.state.rawValue)
            if let v = w.reason { o.string("reason", v) }
            if let v = w.label { o.string("label", v) }
            o.time("deviceTime", w.deviceTime)
            o.time("hostTime", w.hostTime)
        case .alarm(let a):
            o.string("category", a.category.rawValue)
            o.string("priority", a.priority.rawValue)
            o.string("phase", a.phase.rawValue)
            o.string("text", a.text)
            if let m = a.metric { o.metric(m) }
            if let v = a.vendorCode { o.string("alarmCode", v) }
            o.time("deviceTime", a.deviceTime)
            o.time("hostTime", a.hostTime)
        case .pumpChannel(let p):
            o.string("channel", p.channel)
            o.string("status", p.status.rawValue)
            o.string("drug", p.drug)
            o.decimal("rate", p.rate)
            o.string("rateUnit", p.rateUnit)
            o.decimal("volumeInfused", p.volumeInfused)
            o.decimal("volumeToBeInfused", p.volumeToBeInfused)
            o.string("volumeUnit", p.volumeUnit)
            o.time("deviceTime", p.deviceTime)
            o.time("hostTime", p.hostTime)
        case .link(let l):
            o.string("event", l.kind.rawValue)
            if let v = l.detail { o.string("detail", v) }
            o.time("hostTime", l.hostTime)
        }
        o.key("device")
        var d = JSONObjectWriter(&o.out)
        defer { o.close(into: &out) }
        d.string("driver", record.device.driver)
        d.string("vendor", record.device.vendor)
        d.string("model", record.device.model)
        d.string("serial", record.device.serialNumber)
        if let v = record.device.softwareVersion { d.string("software", v) }
        d.string("port", record.device.port)
        if let v = record.device.portID { d.string("portId", v) }
        if let v = record.device.location { d.string("location", v) }
        d.close(into: &o.out)
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

    mutating func key(_ name: String) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: String, _ value: String?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        Self.appendString(value, to: &out)
    }

    mutating func integer(_ name: String, _ value: Int64?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        Self.appendInteger(value, to: &out)
    }

    mutating func decimal(_ name: String, _ value: DecimalValue?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        value.appendText(to: &out)
    }

    mutating func time(_ name: String, _ value: Timestamp?) {
        key(name)
        guard let value else { out.append(contentsOf: Self.null); return }
        out.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func metric(_ m: MetricIdentity) {
        string("metric", m.referenceID)
        integer("code", m.code.map(Int64.init))
        string("vendorCode", m.vendorCode)
        key("mapped")
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
        out.append(UInt8(ascii: "\""))
        // Fast path: most strings need no escaping and are copied in one go.
        let needsEscaping = s.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        } ?? true
        guard needsEscaping else {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
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
