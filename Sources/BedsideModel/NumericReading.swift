/// One numeric value from a device, normalized.
public struct NumericReading: Hashable, Sendable {
    public var metric: MetricIdentity
    /// The number, exactly as the device gave it after its documented scaling; `nil` when absent.
    public var value: DecimalValue?
    /// UCUM unit (`/min`, `mm[Hg]`, `%`, `Cel`); `nil` only when the device's unit code is not mapped,
    /// in which case ``vendorUnit`` says what the device sent.
    public var unit: String?
    /// The device's own unit code when it has one (kept for unmapped units and for audit).
    public var vendorUnit: String?
    public var state: MeasurementState
    /// Why the state is not `valid`, in the device's terms (e.g. `GE control code -32767: no valid data`).
    public var reason: String?
    /// The device's label for the channel when it qualifies the metric (e.g. pressure site `ART`,
    /// temperature site `ESO`, HR source `ECG`).
    public var label: String?
    /// The device's own clock for this value, when it has one.
    public var deviceTime: Timestamp?
    /// When the host received the bytes that carried it.
    public var hostTime: Timestamp

    public init(metric: MetricIdentity, value: DecimalValue?, unit: String?, vendorUnit: String? = nil,
                state: MeasurementState, reason: String? = nil, label: String? = nil,
                deviceTime: Timestamp?, hostTime: Timestamp) {
        self.metric = metric
        self.value = value
        self.unit = unit
        self.vendorUnit = vendorUnit
        self.state = state
        self.reason = reason
        self.label = label
        self.deviceTime = deviceTime
        self.hostTime = hostTime
    }
}
