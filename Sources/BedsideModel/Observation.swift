/// Everything a driver (or the bridge, for stale marks and snapshots) can put on the feed.
public enum Observation: Hashable, Sendable {
    case numeric(NumericReading)
    // A segment is smaller than a numeric (its description is shared in its descriptor), so it is
    // stored inline: boxed, every segment cost an allocation.
    case waveform(WaveformSegment)
    // The rarer, larger kinds are boxed: an enum is as large as its largest case, and every
    // observation of every device is copied through arrays several times on its way to the feed.
    indirect case alarm(AlarmEvent)
    indirect case pumpChannel(PumpChannelState)
    indirect case infusionEvent(InfusionEvent)
    case link(LinkEvent)
    case snapshot(DeviceSnapshot)

    /// The feed's `kind` field.
    public var kind: String {
        switch self {
        case .numeric: "numeric"
        case .waveform: "waveform"
        case .alarm: "alarm"
        case .pumpChannel: "pump-channel"
        case .infusionEvent: "infusion-event"
        case .link: "link"
        case .snapshot: "snapshot"
        }
    }

    public var hostTime: Timestamp {
        switch self {
        case .numeric(let r): r.hostTime
        case .waveform(let w): w.hostTime
        case .alarm(let a): a.hostTime
        case .pumpChannel(let p): p.hostTime
        case .infusionEvent(let e): e.hostTime
        case .link(let l): l.hostTime
        case .snapshot(let s): s.hostTime
        }
    }

    /// The device's own time the observation carries, if any (link records and snapshots carry none).
    public var deviceTime: DeviceTime? {
        switch self {
        case .numeric(let r): r.deviceTime
        case .waveform(let w): w.deviceTime
        case .alarm(let a): a.deviceTime
        case .pumpChannel(let p): p.deviceTime
        case .infusionEvent(let e): e.deviceTime
        case .link, .snapshot: nil
        }
    }

    /// Which device behind the port it belongs to (`nil`: the port's only or main device).
    public var subdevice: String? {
        switch self {
        case .numeric(let r): r.subdevice
        case .waveform(let w): w.subdevice
        case .alarm(let a): a.subdevice
        case .pumpChannel(let p): p.subdevice
        case .infusionEvent(let e): e.subdevice
        case .link(let l): l.subdevice
        case .snapshot(let s): s.subdevice
        }
    }
}

/// One line of the feed: an observation with its bridge-wide sequence number and device identity.
public struct FeedRecord: Hashable, Sendable {
    /// Version of the feed schema this library writes (see docs/feed-schema.md).
    public static let schemaVersion = "2.0"

    /// Per bridge instance, strictly increasing from 1.
    public var seq: UInt64
    /// The bridge instance that numbered ``seq``: a new id means a new sequence (a restart), not
    /// lost records.
    public var bridgeId: String
    public var device: DeviceIdentity
    public var observation: Observation
    /// The record comes from replaying a recording, not from a live device.
    public var replayed: Bool

    public init(seq: UInt64, bridgeId: String = "", device: DeviceIdentity, observation: Observation,
                replayed: Bool = false) {
        self.seq = seq
        self.bridgeId = bridgeId
        self.device = device
        self.observation = observation
        self.replayed = replayed
    }

    /// Simulated data is never patient data: true when the device is a simulator.
    public var simulated: Bool { device.simulated }
}
