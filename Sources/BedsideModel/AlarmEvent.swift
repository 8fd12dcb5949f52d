/// One phase of an alarm's life, as the device reports it: `start` when it appears, `update` when
/// its priority or text changes, `end` when it goes away — or when the bridge can no longer see it
/// (link lost, session re-established), so no alarm is left open forever. Ready to become an
/// IHE PCD-04 alert. The device remains the primary alarm system: the bridge forwards for
/// information.
public struct AlarmEvent: Hashable, Sendable {
    /// IHE ACM alert type: physiological (`SP`), technical (`ST`), advisory (`SA`).
    public enum Category: String, Hashable, Sendable {
        case physiological, technical, advisory, unknown
    }
    public enum Priority: String, Hashable, Sendable { case high, medium, low, none, unknown }
    public enum Phase: String, Hashable, Sendable {
        /// The alarm appeared (or was already present when the bridge connected).
        case start
        /// Its priority, text, value or flags changed.
        case update
        /// It is no longer present, or the bridge lost sight of it (``AlarmEvent/endReason`` says which).
        case end
    }

    /// The device's alarm state flags (IntelliVue: silenced, latched, inhibited; demo alarms).
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The audible signal was silenced / paused by a user.
        public static let silenced = Flags(rawValue: 1 << 0)
        /// The alarm stays indicated after its condition ended until acknowledged.
        public static let latched = Flags(rawValue: 1 << 1)
        /// Alarms of this kind are switched off or suspended on the device.
        public static let inhibited = Flags(rawValue: 1 << 2)
        /// A user acknowledged it.
        public static let acknowledged = Flags(rawValue: 1 << 3)
        /// Produced by the device's demo mode: not about a patient.
        public static let demo = Flags(rawValue: 1 << 4)

        /// Names in the feed's order.
        public static let names: [(Flags, String)] = [
            (.silenced, "silenced"), (.latched, "latched"), (.inhibited, "inhibited"),
            (.acknowledged, "acknowledged"), (.demo, "demo"),
        ]
    }

    /// Stable for the whole life of one alarm instance: every phase of it carries the same id, and
    /// a later occurrence of the same condition gets a new one.
    public var alarmId: String
    public var phase: Phase
    public var category: Category
    public var priority: Priority
    /// The device's alarm text, as sent.
    public var text: String
    /// The MDC event code (partition 3, `MDC_EVT_HI` …) when the condition maps to one.
    public var event: MetricIdentity?
    /// The measurement the alarm is about, when the device says.
    public var metric: MetricIdentity?
    /// Which source of ``metric`` (as on numerics), when the device says.
    public var instance: UInt16?
    /// The measured value that raised it, when the device sends it.
    public var value: Quantity?
    /// The alarm limits in force, when the device sends them.
    public var lowerLimit: DecimalValue?
    public var upperLimit: DecimalValue?
    public var flags: Flags
    /// The device's own alarm code, if any (e.g. IntelliVue alert code).
    public var vendorCode: String?
    /// For `end` phases the bridge produced itself: why (e.g. `link lost`).
    public var endReason: String?
    public var deviceTime: DeviceTime?
    public var hostTime: Timestamp
    public var subdevice: String?

    public init(alarmId: String, phase: Phase, category: Category, priority: Priority, text: String,
                event: MetricIdentity? = nil, metric: MetricIdentity? = nil, instance: UInt16? = nil,
                value: Quantity? = nil, lowerLimit: DecimalValue? = nil, upperLimit: DecimalValue? = nil,
                flags: Flags = [], vendorCode: String? = nil, endReason: String? = nil,
                deviceTime: DeviceTime?, hostTime: Timestamp, subdevice: String? = nil) {
        self.alarmId = alarmId
        self.phase = phase
        self.category = category
        self.priority = priority
        self.text = text
        self.event = event
        self.metric = metric
        self.instance = instance
        self.value = value
        self.lowerLimit = lowerLimit
        self.upperLimit = upperLimit
        self.flags = flags
        self.vendorCode = vendorCode
        self.endReason = endReason
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.subdevice = subdevice
    }
}
