/// A change in the link to a device: the bridge's view of the session, not a patient value.
public struct LinkEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// The port was opened (or a replay started).
        case opened
        /// The driver sent its start request / association request.
        case requesting
        /// The device answered; data is flowing.
        case connected
        /// Nothing valid arrived for longer than the protocol allows; the driver is re-requesting.
        case silent
        /// The device ended or refused the session (release, abort, refuse), or was unplugged.
        case disconnected
        /// The driver stopped the session on shutdown.
        case stopped
        /// The port closed or failed.
        case closed
        /// A protocol error worth an engineer's attention (detail says what and what to do).
        case error
    }

    public var kind: Kind
    public var detail: String?
    public var hostTime: Timestamp
    /// The device's clock minus the host's, measured on the latest record that carried a device
    /// time (positive: the device is ahead). `nil` until measured.
    public var clockSkewNanoseconds: Int64?
    public var subdevice: String?

    public init(kind: Kind, detail: String? = nil, hostTime: Timestamp, clockSkewNanoseconds: Int64? = nil,
                subdevice: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.hostTime = hostTime
        self.clockSkewNanoseconds = clockSkewNanoseconds
        self.subdevice = subdevice
    }

    /// Whether the bridge can no longer see the device's current values after this event.
    public var losesSight: Bool {
        switch self.kind {
        case .silent, .disconnected, .stopped, .closed: true
        case .opened, .requesting, .connected, .error: false
        }
    }
}

/// Everything the bridge currently believes about one device, re-stated periodically so a consumer
/// that joins late knows the state without waiting for each value to change. Each value carries
/// its age; nothing in a snapshot is a new measurement.
public struct DeviceSnapshot: Hashable, Sendable {
    /// Current numerics (each with ``NumericReading/ageNanoseconds``), in a stable order.
    public var numerics: [NumericReading]
    /// Alarms started and not yet ended.
    public var activeAlarms: [AlarmEvent]
    /// Latest state of each pump channel.
    public var pumpChannels: [PumpChannelState]
    /// The last link event, if any.
    public var link: LinkEvent.Kind?
    public var hostTime: Timestamp
    public var subdevice: String?

    public init(numerics: [NumericReading], activeAlarms: [AlarmEvent], pumpChannels: [PumpChannelState] = [],
                link: LinkEvent.Kind?, hostTime: Timestamp, subdevice: String? = nil) {
        self.numerics = numerics
        self.activeAlarms = activeAlarms
        self.pumpChannels = pumpChannels
        self.link = link
        self.hostTime = hostTime
        self.subdevice = subdevice
    }
}
