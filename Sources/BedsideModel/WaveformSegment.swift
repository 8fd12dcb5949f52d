/// A run of equally spaced samples of one waveform (ECG lead, pleth, CO2, …).
///
/// Samples stay in the device's integer units; the physical value of a sample is
/// `sample × scale + offset` in ``unit``. A sample the device marked invalid is `nil`.
public struct WaveformSegment: Hashable, Sendable {
    public var metric: MetricIdentity
    /// Which of several sources of the same wave this is (pressure channel, SpO2 module); 1 if one.
    public var instance: UInt16
    public var containment: Containment?
    public var unit: String?
    /// MDC unit code, when known.
    public var unitCode: UInt32?
    public var vendorUnit: String?
    /// Multiply a raw sample by this to get ``unit``.
    public var scale: DecimalValue
    /// Add this after scaling (0 for most devices).
    public var offset: DecimalValue
    /// Time between samples, in nanoseconds.
    public var samplePeriodNanoseconds: Int64
    public var samples: [Int32?]
    public var state: MeasurementState
    public var reason: String?
    /// Measurement site (pressure label `ART`) as the device names it.
    public var site: String?
    /// The label the device shows for the wave (ECG lead `II`, `Pleth`), as sent.
    public var displayLabel: String?
    /// Device time of the first sample, when known.
    public var deviceTime: DeviceTime?
    public var hostTime: Timestamp
    public var subdevice: String?

    public init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, unit: String?,
                unitCode: UInt32? = nil, vendorUnit: String? = nil, scale: DecimalValue, offset: DecimalValue = 0,
                samplePeriodNanoseconds: Int64, samples: [Int32?], state: MeasurementState = .valid,
                reason: String? = nil, site: String? = nil, displayLabel: String? = nil,
                deviceTime: DeviceTime?, hostTime: Timestamp, subdevice: String? = nil) {
        self.metric = metric
        self.instance = instance
        self.containment = containment
        self.unit = unit
        self.unitCode = unitCode
        self.vendorUnit = vendorUnit
        self.scale = scale
        self.offset = offset
        self.samplePeriodNanoseconds = samplePeriodNanoseconds
        self.samples = samples
        self.state = state
        self.reason = reason
        self.site = site
        self.displayLabel = displayLabel
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.subdevice = subdevice
    }
}
