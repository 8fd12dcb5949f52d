import BedsideModel

/// One message to send, before it has a control id: what it reports and which records it covers.
public struct PCDMessagePlan: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// PCD-01: numerics and pump channel states of one device at one observation time.
        case observation(time: Timestamp, numerics: [NumericReading], pumpChannels: [PumpChannelState])
        /// PCD-04: one phase of one alarm.
        case alert(AlarmEvent)
        /// PCD-10: one infusion event.
        case infusionEvent(InfusionEvent)
    }

    public var device: DeviceIdentity
    public var content: Content
    /// The records it was made from (first and last `seq`).
    public var firstSeq: UInt64
    public var lastSeq: UInt64

    public var kind: PCDMessageKind {
        switch content {
        case .observation: .observation
        case .alert: .alert
        case .infusionEvent: .infusionEvent
        }
    }
}

/// Turns feed records (in `seq` order) into PCD message plans: one PCD-01 per device per
/// observation time, one PCD-04 per alarm phase, one PCD-10 per infusion event; per device, in
/// record order.
///
/// Not reported over HL7: waveforms, link records, snapshots, re-statements (stale and absent
/// marks carry `ageNs`: they say a value stopped, not a new measurement), readings without an MDC
/// code, and replayed records. All of them stay in the feed.
public struct PCDPlanner: Sendable {
    public init() {}

    public func plan(_ records: [FeedRecord]) -> [PCDMessagePlan] {
        var out: [PCDMessagePlan] = []
        var open: [String: OpenGroup] = [:]
        var order: [String] = []  // devices with an open group, oldest first

        func flush(_ key: String) {
            guard let g = open.removeValue(forKey: key) else { return }
            order.removeAll { $0 == key }
            out.append(PCDMessagePlan(device: g.device, content: .observation(time: g.time, numerics: g.numerics,
                                                                              pumpChannels: g.pumps),
                                      firstSeq: g.firstSeq, lastSeq: g.lastSeq))
        }

        for record in records where !record.replayed {
            let key = record.device.id ?? ""
            switch record.observation {
            case .numeric(let r):
                guard r.metric.code != nil, r.ageNanoseconds == nil else { continue }
                let time = r.deviceTime?.instant ?? r.hostTime
                let path = r.containment?.path ?? "flat:\(r.metric.code!):\(r.instance)"
                if let g = open[key], g.time != time || g.paths.contains(path) { flush(key) }
                if open[key] == nil {
                    open[key] = OpenGroup(device: record.device, time: time, firstSeq: record.seq)
                    order.append(key)
                }
                open[key]!.numerics.append(r)
                open[key]!.paths.insert(path)
                open[key]!.lastSeq = record.seq
                open[key]!.device = record.device
            case .pumpChannel(let p):
                let time = p.deviceTime?.instant ?? p.hostTime
                let path = "pump:\(p.channelIndex)"
                if let g = open[key], g.time != time || g.paths.contains(path) { flush(key) }
                if open[key] == nil {
                    open[key] = OpenGroup(device: record.device, time: time, firstSeq: record.seq)
                    order.append(key)
                }
                open[key]!.pumps.append(p)
                open[key]!.paths.insert(path)
                open[key]!.lastSeq = record.seq
                open[key]!.device = record.device
            case .alarm(let a):
                flush(key)
                out.append(PCDMessagePlan(device: record.device, content: .alert(a), firstSeq: record.seq, lastSeq: record.seq))
            case .infusionEvent(let e):
                flush(key)
                out.append(PCDMessagePlan(device: record.device, content: .infusionEvent(e), firstSeq: record.seq,
                                          lastSeq: record.seq))
            case .waveform, .link, .snapshot:
                continue
            }
        }
        for key in order { flush(key) }
        return out
    }

    private struct OpenGroup {
        var device: DeviceIdentity
        var time: Timestamp
        var firstSeq: UInt64
        var lastSeq: UInt64 = 0
        var numerics: [NumericReading] = []
        var pumps: [PumpChannelState] = []
        var paths: Set<String> = []

        init(device: DeviceIdentity, time: Timestamp, firstSeq: UInt64) {
            self.device = device
            self.time = time
            self.firstSeq = firstSeq
            lastSeq = firstSeq
        }
    }
}
