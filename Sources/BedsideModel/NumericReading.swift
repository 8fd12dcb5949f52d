/// One numeric value from a device, normalized.
///
/// A consumer keys current values on (device, ``metric``, ``instance``): within one record no two
/// readings of a device share that key (a test replays every capture to hold the drivers to it).
public struct NumericReading: Hashable, Sendable {
    public var metric: MetricIdentity
    /// Which of several sources of the same metric this is: SpO2 module 1 or 2, pressure channel
    /// P1–P8, temperature T1–T6. 1 when the device has only one. Stable across sessions.
    public var instance: UInt16
    /// The value's place in the device's object tree (IHE PCD-01 OBX-4), when the driver knows it.
    public var containment: Containment?
    /// The number, exactly as the device gave it after its documented scaling; `nil` when absent.
    public var value: DecimalValue?
    /// UCUM unit (`/min`, `mm[Hg]`, `%`, `Cel`); `nil` only when the device's unit code is not mapped,
    /// in which case ``vendorUnit`` says what the device sent.
    public var unit: String?
    /// MDC unit code (partition 4, e.g. 264864 `MDC_DIM_BEAT_PER_MIN`), when known.
    public var unitCode: UInt32?
    /// The device's own unit code when it has one (kept for unmapped units and for audit).
    public var vendorUnit: String?
    public var state: MeasurementState
    /// Why the state is not `valid`, in the device's terms (e.g. `GE control code -32767: no valid data`).
    public var reason: String?
    /// Body site or measurement site as the device names it: pressure label `ART`, temperature site `ESO`.
    public var site: String?
    /// Where the value was derived from when one metric has several sources: `ECG`, `pleth`, `ART`.
    public var source: String?
    /// How an episodic measurement was taken: NIBP cuff mode `manual`, `auto`, `stat`.
    public var mode: String?
    /// The label the device shows for this value on its screen (IntelliVue `ABP`, GE `P1`), as sent.
    public var displayLabel: String?
    /// `true` for a measurement taken at one moment (NIBP, a spot temperature): ``deviceTime`` is
    /// when it was measured, and it is reported once per measurement, not on every update.
    public var episodic: Bool
    /// The device's own clock for this value (for an episodic value: when it was measured).
    public var deviceTime: DeviceTime?
    /// When the host received the bytes that carried it.
    public var hostTime: Timestamp
    /// For a re-statement (a stale mark or a snapshot): how long ago the value was last received.
    public var ageNanoseconds: Int64?
    /// Which device behind the port sent it, for ports with several (a pump rack); `nil` for the
    /// port's only device.
    public var subdevice: String?

    public init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, value: DecimalValue?,
                unit: String?, unitCode: UInt32? = nil, vendorUnit: String? = nil, state: MeasurementState,
                reason: String? = nil, site: String? = nil, source: String? = nil, mode: String? = nil,
                displayLabel: String? = nil, episodic: Bool = false, deviceTime: DeviceTime?, hostTime: Timestamp,
                ageNanoseconds: Int64? = nil, subdevice: String? = nil) {
        self.metric = metric
        self.instance = instance
        self.containment = containment
        self.value = value
        self.unit = unit
        self.unitCode = unitCode
        self.vendorUnit = vendorUnit
        self.state = state
        self.reason = reason
        self.site = site
        self.source = source
        self.mode = mode
        self.displayLabel = displayLabel
        self.episodic = episodic
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.ageNanoseconds = ageNanoseconds
        self.subdevice = subdevice
    }
}
