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
        JSONBytes.withTemporary { buffer in
            Self.encode(seq: record.seq, bridgeId: record.bridgeId, device: record.device,
                        observation: record.observation, replayed: record.replayed, into: &buffer)
            out.append(contentsOf: buffer.bytes)
        }
    }

    /// The whole record, without caching anything.
    static func encode(seq: UInt64, bridgeId: String, device: DeviceIdentity, observation: Observation,
                       replayed: Bool, into out: inout JSONBytes) {
        appendPrefix(bridgeId: bridgeId, to: &out)
        appendBody(seq: seq, simulated: device.simulated, observation: observation, replayed: replayed, to: &out)
        appendDevice(device, to: &out)
    }

    /// `{"schemaVersion":…,"bridgeId":…,"seq":` — the same for every record of a bridge.
    static func appendPrefix(bridgeId: String, to out: inout JSONBytes) {
        out.append(#"{"schemaVersion":"#)
        JSONObjectWriter.appendString(FeedRecord.schemaVersion, to: &out)
        out.append(#","bridgeId":"#)
        JSONObjectWriter.appendString(bridgeId, to: &out)
        out.append(#","seq":"#)
    }

    /// From the `seq` number to the observation's last field.
    static func appendBody(seq: UInt64, simulated: Bool, observation: Observation, replayed: Bool,
                           to out: inout JSONBytes) {
        JSONObjectWriter.appendInteger(Int64(seq), to: &out)
        // Literal bytes: the kind is one of a few names, and escaping them is wasted work.
        switch observation {
        case .numeric: out.append(#","kind":"numeric""#)
        case .waveform: out.append(#","kind":"waveform""#)
        case .alarm: out.append(#","kind":"alarm""#)
        case .pumpChannel: out.append(#","kind":"pump-channel""#)
        case .infusionEvent: out.append(#","kind":"infusion-event""#)
        case .link: out.append(#","kind":"link""#)
        case .snapshot: out.append(#","kind":"snapshot""#)
        }
        out.append(simulated ? #","simulated":true"# : #","simulated":false"#)
        if replayed { out.append(#","replayed":true"#) }
        var o = JSONObjectWriter(continuing: &out)
        switch observation {
        case .numeric(let r): o.numericFields(r)
        case .waveform(let w): o.waveformFields(w)
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
        o.handBack(into: &out)
    }

    /// `,"device":{…}}` — the device's identity and the record's closing brace.
    static func appendDevice(_ device: DeviceIdentity, to out: inout JSONBytes) {
        out.append(#","device":"#)
        var d = JSONObjectWriter(&out)
        d.string(#""id":"#, device.id)
        d.string(#""driver":"#, device.driver)
        d.string(#""vendor":"#, device.vendor)
        d.string(#""model":"#, device.model)
        d.string(#""serial":"#, device.serialNumber)
        if let v = device.softwareVersion { d.string(#""software":"#, v) }
        d.string(#""port":"#, device.port)
        if let v = device.portID { d.string(#""portId":"#, v) }
        if let v = device.location { d.string(#""location":"#, v) }
        if let v = device.subdevice { d.string(#""subdevice":"#, v) }
        if let v = device.timeZone { d.string(#""timeZone":"#, v) }
        d.close(into: &out)
        out.append(UInt8(ascii: "}"))
    }
}

/// Writes feed records exactly as ``FeedJSONWriter`` does, keeping what repeats from record to
/// record already encoded: the record's opening fields (per bridge id), the device's identity
/// (per identity) and the last time stamps. One per output stream; not for concurrent use.
public final class FeedLineEncoder {
    private var buffer = JSONBytes(capacity: 4096)
    private var prefix: [UInt8] = []
    private var prefixBridgeId: String?
    private var device: [UInt8] = []
    private var deviceIdentity = DeviceIdentity(driver: "", vendor: "")
    private var deviceEncoded = false

    public init() {}

    deinit { buffer.deallocate() }

    /// Appends `record` as one JSON object, without a trailing newline.
    public func append(_ record: FeedRecord, to out: inout [UInt8]) {
        append(seq: record.seq, bridgeId: record.bridgeId, device: record.device, observation: record.observation,
               replayed: record.replayed, to: &out)
    }

    /// Appends the record these fields make (see ``FeedRecord``) without building one.
    public func append(seq: UInt64, bridgeId: String = "", device identity: DeviceIdentity, observation: Observation,
                       replayed: Bool = false, to out: inout [UInt8]) {
        if prefixBridgeId != bridgeId {
            prefix = Self.encoded { FeedJSONWriter.appendPrefix(bridgeId: bridgeId, to: &$0) }
            prefixBridgeId = bridgeId
        }
        if !deviceEncoded || deviceIdentity != identity {
            device = Self.encoded { FeedJSONWriter.appendDevice(identity, to: &$0) }
            deviceIdentity = identity
            deviceEncoded = true
        }
        // The parts already encoded go straight to `out`: copying them through the buffer would
        // move most of the line's bytes twice.
        buffer.removeAll()
        FeedJSONWriter.appendBody(seq: seq, simulated: identity.simulated, observation: observation,
                                  replayed: replayed, to: &buffer)
        out.append(contentsOf: prefix)
        out.append(contentsOf: buffer.bytes)
        out.append(contentsOf: device)
    }

    private static func encoded(_ body: (inout JSONBytes) -> Void) -> [UInt8] {
        JSONBytes.withTemporary { b in
            body(&b)
            return Array(b.bytes)
        }
    }
}

extension JSONObjectWriter {
    mutating func numericFields(_ r: NumericReading) {
        let d = r.descriptor
        fragment(d.identityJSON)
        decimal(#""value":"#, r.value)
        fragment(d.unitJSON)
        stateField(r.state)
        if let v = r.reason { string(#""reason":"#, v) }
        if !d.labelsJSON.isEmpty { fragment(d.labelsJSON) }
        deviceTime(#""deviceTime":"#, r.deviceTime)
        time(#""hostTime":"#, r.hostTime)
        if let v = r.ageNanoseconds { integer(#""ageNs":"#, v) }
    }

    mutating func waveformFields(_ w: WaveformSegment) {
        let d = w.descriptor
        fragment(d.headJSON)
        key(#""samples":"#)
        out.append(UInt8(ascii: "["))
        w.samples.withUnsafeBufferPointer { samples in
            for i in samples.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let s = samples[i] { Self.appendInteger(Int64(s), to: &out) } else { out.append("null") }
            }
        }
        out.append(UInt8(ascii: "]"))
        stateField(w.state)
        if let v = w.reason { string(#""reason":"#, v) }
        if !d.labelsJSON.isEmpty { fragment(d.labelsJSON) }
        deviceTime(#""deviceTime":"#, w.deviceTime)
        time(#""hostTime":"#, w.hostTime)
    }

    /// A waveform descriptor's feed fields, in the order the feed writes them: everything up to
    /// the sample period, then the site and display label.
    static func waveformFragments(_ f: WaveformDescriptor.Fields) -> ([UInt8], [UInt8]) {
        JSONBytes.withTemporary { b in
            var w = JSONObjectWriter(continuing: &b)
            w.metric(f.metric)
            w.integer(#""instance":"#, Int64(f.instance))
            if let c = f.containment { w.containment(c) }
            w.string(#""unit":"#, f.unit)
            w.integer(#""unitCode":"#, f.unitCode.map(Int64.init))
            if let v = f.vendorUnit { w.string(#""vendorUnit":"#, v) }
            w.decimal(#""scale":"#, f.scale)
            w.decimal(#""offset":"#, f.offset)
            w.integer(#""samplePeriodNs":"#, f.samplePeriodNanoseconds)
            let headEnd = w.out.count
            if let v = f.site { w.string(#""site":"#, v) }
            if let v = f.displayLabel { w.string(#""displayLabel":"#, v) }
            w.handBack(into: &b)
            let all = b.bytes
            return (Array(all[0..<headEnd]), Array(all[headEnd...]))
        }
    }

    /// `"state":"…"` as literal bytes (one of a few names; escaping them is wasted work).
    @inline(__always)
    private mutating func stateField(_ state: MeasurementState) {
        key(#""state":"#)
        switch state {
        case .valid: out.append(#""valid""#)
        case .absent: out.append(#""absent""#)
        case .invalid: out.append(#""invalid""#)
        case .calibrating: out.append(#""calibrating""#)
        case .stale: out.append(#""stale""#)
        case .underRange: out.append(#""under-range""#)
        case .overRange: out.append(#""over-range""#)
        case .questionable: out.append(#""questionable""#)
        case .demo: out.append(#""demo""#)
        case .test: out.append(#""test""#)
        }
    }

    /// Appends pre-encoded fields that start with their comma (dropped for an object's first field).
    @inline(__always)
    private mutating func fragment(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count > 0 else { return }
            if first {
                out.append(base + 1, count: b.count - 1)
                first = false
            } else {
                out.append(base, count: b.count)
            }
        }
    }

    /// A numeric's fields that come from its ``NumericDescriptor``, encoded once per descriptor:
    /// identity (metric to containment), unit, and labels — each run starting with its comma.
    static func descriptorFragments(_ f: NumericDescriptor.Fields) -> ([UInt8], [UInt8], [UInt8]) {
        JSONBytes.withTemporary { b in
            var w = JSONObjectWriter(continuing: &b)
            w.metric(f.metric)
            w.integer(#""instance":"#, Int64(f.instance))
            if let c = f.containment { w.containment(c) }
            let identityEnd = w.out.count
            w.string(#""unit":"#, f.unit)
            w.integer(#""unitCode":"#, f.unitCode.map(Int64.init))
            if let v = f.vendorUnit { w.string(#""vendorUnit":"#, v) }
            let unitEnd = w.out.count
            if let v = f.site { w.string(#""site":"#, v) }
            if let v = f.source { w.string(#""source":"#, v) }
            if let v = f.mode { w.string(#""mode":"#, v) }
            if let v = f.displayLabel { w.string(#""displayLabel":"#, v) }
            if f.episodic { w.bool(#""episodic":"#, true) }
            w.handBack(into: &b)
            let all = b.bytes
            return (Array(all[0..<identityEnd]), Array(all[identityEnd..<unitEnd]), Array(all[unitEnd...]))
        }
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
        guard let q else { key(name); null(); return }
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
    var out: JSONBytes
    fileprivate var first = true

    init(_ buffer: inout JSONBytes) {
        out = buffer
        out.append(UInt8(ascii: "{"))
    }

    /// Continues an object whose opening brace and first fields are already in `buffer`.
    init(continuing buffer: inout JSONBytes) {
        out = buffer
        first = false
    }

    /// Closes the object and hands the buffer back.
    mutating func close(into buffer: inout JSONBytes) {
        out.append(UInt8(ascii: "}"))
        buffer = out
    }

    /// Hands the buffer back without closing the object.
    func handBack(into buffer: inout JSONBytes) {
        buffer = out
    }

    /// Appends `,"name":`; `name` is the whole key literal with its quotes and colon
    /// (`#""value":"#`), so a key costs one copy (this runs ~20 times a record).
    @inline(__always)
    mutating func key(_ name: StaticString) {
        let n = name.utf8CodeUnitCount
        out.reserve(n + 1)
        if !first { out.put(UInt8(ascii: ",")) }
        first = false
        out.put(name.utf8Start, count: n)
    }

    mutating func null() {
        out.append(#"null"#)
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        guard let value else { null(); return }
        Self.appendString(value, to: &out)
    }

    mutating func integer(_ name: StaticString, _ value: Int64?) {
        key(name)
        guard let value else { null(); return }
        Self.appendInteger(value, to: &out)
    }

    mutating func decimal(_ name: StaticString, _ value: DecimalValue?) {
        key(name)
        guard let value else { null(); return }
        value.appendText(to: &out)
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(value ? #"true"# : #"false"#)
    }

    mutating func deviceTime(_ name: StaticString, _ value: DeviceTime?) {
        key(name)
        guard let value else { null(); return }
        quotedTime(value.instant, offset: value.utcOffsetSeconds)
    }

    mutating func time(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        guard let value else { null(); return }
        quotedTime(value, offset: nil)
    }

    private mutating func quotedTime(_ instant: Timestamp, offset: Int32?) {
        out.append(UInt8(ascii: "\""))
        out.times.pointee.append(instant, offset: offset, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func metric(_ m: MetricIdentity) {
        string(#""metric":"#, m.referenceID)
        integer(#""code":"#, m.code.map(Int64.init))
        string(#""vendorCode":"#, m.vendorCode)
        bool(#""mapped":"#, m.isMapped)
    }

    static func appendInteger(_ value: Int64, to out: inout JSONBytes) {
        out.write(upTo: 20) { text in
            let m = value.magnitude
            let sign = value < 0 ? 1 : 0
            if sign == 1 { text[0] = UInt8(ascii: "-") }
            let count = DecimalDigits.count(m)
            DecimalDigits.write(m, endingAt: text + sign + count)
            return sign + count
        }
    }

    /// Bytes that cannot appear raw inside a JSON string: controls, `"` and `\`.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    static func appendString(_ s: String, to out: inout JSONBytes) {
        // Fast path: most strings need no escaping and are copied in one go, quotes included.
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let clean = needsEscape.withUnsafeBufferPointer { table in
                !bytes.contains(where: { table[Int($0)] })
            }
            guard clean else { return false }
            out.reserve(bytes.count + 2)
            out.put(UInt8(ascii: "\""))
            if let b = bytes.baseAddress { out.put(b, count: bytes.count) }
            out.put(UInt8(ascii: "\""))
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
