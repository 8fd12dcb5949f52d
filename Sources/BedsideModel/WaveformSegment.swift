/// A run of equally spaced samples of one waveform (ECG lead, pleth, CO2, …).
///
/// Samples stay in the device's integer units; the physical value of a sample is
/// `sample × scale + offset` in ``unit``. A sample the device marked invalid is `nil`.
public struct WaveformSegment: Hashable, Sendable {
    public var metric: MetricIdentity
    public var unit: String?
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
    public var label: String?
    /// Device time of the first sample, when known.
    public var deviceTime: Timestamp?
    public var hostTime: Timestamp

    public init(metric: MetricIdentity, unit: String?, vendorUnit: String? = nil, scale: DecimalValue,
                offset: DecimalValue = 0, samplePeriodNanoseconds: Int64, samples: [Int32?],
                state: MeasurementState = .valid, reason: String? = nil, label: String? = nil,
                deviceTime: Timestamp?, hostTime: Timestamp) {
        self.metric = metric
        self.unit = unit
        self.vendorUnit = vendorUnit
        self.scale = scale
        self.offset = offset
        self.samplePeriodNanoseconds = samplePeriodNanoseconds
        self.samples = samples
        self.state = state
        self.reason = reason
        self.label = label
        self.deviceTime = deviceTime
        self.hostTime = hostTime
    }
}
