/// Everything a driver can put on the feed.
public enum Observation: Hashable, Sendable {
    case numeric(NumericReading)
    case waveform(WaveformSegment)
    case alarm(AlarmEvent)
    case pumpChannel(PumpChannelState)
    case link(LinkEvent)

    /// The feed's `kind` field.
    public var kind: String {
        switch self {
        case .numeric: "numeric"
        case .waveform: "waveform"
        case .alarm: "alarm"
        case .pumpChannel: "pump-channel"
        case .link: "link"
        }
    }

    public var hostTime: Timestamp {
        switch self {
        case .numeric(let r): r.hostTime
        case .waveform(let w): w.hostTime
        case .alarm(let a): a.hostTime
        case .pumpChannel(let p): p.hostTime
        case .link(let l): l.hostTime
        }
    }
}

/// One line of the feed: an observation with its bridge-wide sequence number and device identity.
public struct FeedRecord: Hashable, Sendable {
    /// Version of the feed schema this library writes (see docs/feed-schema.md).
    public static let schemaVersion = "1.0"

    /// Per bridge, strictly increasing from 1.
    public var seq: UInt64
    public var device: DeviceIdentity
    public var observation: Observation

    public init(seq: UInt64, device: DeviceIdentity, observation: Observation) {
        self.seq = seq
        self.device = device
        self.observation = observation
    }
}
