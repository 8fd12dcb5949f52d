import BedsideModel

/// A committed record as forwarding sinks read it: its feed line (exact bytes, no newline) and the
/// columns consumers filter on.
public struct StoredRecord: Sendable, Hashable {
    public var seq: UInt64
    public var kind: String
    public var deviceID: String
    /// The chair (``DeviceIdentity/location``), when the port is bound to one.
    public var location: String?
    /// MDC reference id of a numeric, waveform or alarm source, when mapped.
    public var metric: String?
    /// Host receipt time, nanoseconds since the epoch.
    public var hostTimeNanoseconds: Int64
    /// The feed line (schema 2.0 JSON), UTF-8, without the newline.
    public var json: [UInt8]

    public init(seq: UInt64, kind: String, deviceID: String, location: String?, metric: String?,
                hostTimeNanoseconds: Int64, json: [UInt8]) {
        self.seq = seq
        self.kind = kind
        self.deviceID = deviceID
        self.location = location
        self.metric = metric
        self.hostTimeNanoseconds = hostTimeNanoseconds
        self.json = json
    }

    /// The columns of a record about to be stored.
    init(_ record: FeedRecord, json: [UInt8]) {
        self.init(seq: record.seq, kind: record.observation.kind, deviceID: record.device.id ?? "",
                  location: record.device.location, metric: record.observation.metricReferenceID,
                  hostTimeNanoseconds: record.observation.hostTime.nanosecondsSinceEpoch, json: json)
    }
}

/// Which records a consumer wants. Every non-empty list must contain the record's value.
public struct RecordFilter: Sendable, Hashable {
    public var locations: Set<String>
    public var deviceIDs: Set<String>
    public var kinds: Set<String>
    public var metrics: Set<String>

    public init(locations: Set<String> = [], deviceIDs: Set<String> = [], kinds: Set<String> = [], metrics: Set<String> = []) {
        self.locations = locations
        self.deviceIDs = deviceIDs
        self.kinds = kinds
        self.metrics = metrics
    }

    public static let all = RecordFilter()

    public var isEmpty: Bool { locations.isEmpty && deviceIDs.isEmpty && kinds.isEmpty && metrics.isEmpty }

    public func matches(_ r: StoredRecord) -> Bool {
        if !kinds.isEmpty, !kinds.contains(r.kind) { return false }
        if !deviceIDs.isEmpty, !deviceIDs.contains(r.deviceID) { return false }
        if !locations.isEmpty, !locations.contains(r.location ?? "") { return false }
        // Records without a metric (links, snapshots, pump states) pass a metric filter only when
        // the filter also names their kind: a chart of heart rate wants heart rates.
        if !metrics.isEmpty, !metrics.contains(r.metric ?? "") { return false }
        return true
    }
}

extension Observation {
    /// The MDC reference id a metric filter matches: the metric of a numeric or waveform, the
    /// source metric of an alarm.
    var metricReferenceID: String? {
        switch self {
        case .numeric(let r): r.metric.referenceID
        case .waveform(let w): w.metric.referenceID
        case .alarm(let a): a.metric?.referenceID
        case .pumpChannel, .infusionEvent, .link, .snapshot: nil
        }
    }
}
