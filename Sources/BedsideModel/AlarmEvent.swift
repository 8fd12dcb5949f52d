/// An alarm or alert the device reports. The bridge forwards alarms for information; the device
/// remains the primary alarm system.
public struct AlarmEvent: Hashable, Sendable {
    public enum Category: String, Hashable, Sendable { case patient, technical, unknown }
    public enum Priority: String, Hashable, Sendable { case high, medium, low, none, unknown }
    public enum Phase: String, Hashable, Sendable {
        /// The alarm is present in the device's current alarm list.
        case active
        /// The alarm was present before and is no longer reported.
        case cleared
    }

    public var category: Category
    public var priority: Priority
    public var phase: Phase
    /// The device's alarm text, as sent.
    public var text: String
    /// The measurement the alarm is about, when the device says.
    public var metric: MetricIdentity?
    /// The device's own alarm code, if any (e.g. IntelliVue alert code).
    public var vendorCode: String?
    public var deviceTime: Timestamp?
    public var hostTime: Timestamp

    public init(category: Category, priority: Priority, phase: Phase, text: String, metric: MetricIdentity? = nil,
                vendorCode: String? = nil, deviceTime: Timestamp?, hostTime: Timestamp) {
        self.category = category
        self.priority = priority
        self.phase = phase
        self.text = text
        self.metric = metric
        self.vendorCode = vendorCode
        self.deviceTime = deviceTime
        self.hostTime = hostTime
    }
}
