/// A run of equally spaced samples of one waveform (ECG lead, pleth, CO2, …).
///
/// Samples stay in the device's integer units; the physical value of a sample is
/// `sample × scale + offset` in ``unit``. A sample the device marked invalid is `nil`.
///
/// As with ``NumericReading``, what the wave *is* (metric, place, unit, scale, sample period,
/// labels) lives in a shared, immutable ``WaveformDescriptor``; the segment holds its samples,
/// state and times. A driver that keeps one descriptor per wave makes each segment with one
/// reference count instead of a copy of every string. The descriptor's fields read and write as
/// the segment's own: setting one gives this segment a changed copy of its descriptor.
public struct WaveformSegment: Hashable, Sendable {
    /// What the wave is; shared between segments of the same wave.
    @inlinable public var descriptor: WaveformDescriptor { storedDescriptor }
    // Set only here (a changed field gets a changed copy); visible to inlined code so that a
    // segment is made in place from other modules.
    @usableFromInline var storedDescriptor: WaveformDescriptor
    public var samples: [Int32?]
    public var state: MeasurementState
    public var reason: String?
    /// Device time of the first sample, when known.
    public var deviceTime: DeviceTime?
    public var hostTime: Timestamp

    /// A segment of the wave `descriptor` describes: the fast path for drivers that keep one
    /// descriptor per wave.
    @inlinable
    public init(descriptor: WaveformDescriptor, samples: [Int32?], state: MeasurementState = .valid,
                reason: String? = nil, deviceTime: DeviceTime?, hostTime: Timestamp) {
        storedDescriptor = descriptor
        self.samples = samples
        self.state = state
        self.reason = reason
        self.deviceTime = deviceTime
        self.hostTime = hostTime
    }

    public init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, unit: String?,
                unitCode: UInt32? = nil, vendorUnit: String? = nil, scale: DecimalValue, offset: DecimalValue = 0,
                samplePeriodNanoseconds: Int64, samples: [Int32?], state: MeasurementState = .valid,
                reason: String? = nil, site: String? = nil, displayLabel: String? = nil,
                deviceTime: DeviceTime?, hostTime: Timestamp, subdevice: String? = nil) {
        self.init(descriptor: WaveformDescriptor(metric: metric, instance: instance, containment: containment, unit: unit,
                                                 unitCode: unitCode, vendorUnit: vendorUnit, scale: scale, offset: offset,
                                                 samplePeriodNanoseconds: samplePeriodNanoseconds, site: site,
                                                 displayLabel: displayLabel, subdevice: subdevice),
                  samples: samples, state: state, reason: reason, deviceTime: deviceTime, hostTime: hostTime)
    }

    /// Gives this segment a descriptor with one field changed (others keep the one they share).
    private mutating func editDescriptor(_ body: (inout WaveformDescriptor.Fields) -> Void) {
        var fields = descriptor.fields
        body(&fields)
        if fields != descriptor.fields { storedDescriptor = WaveformDescriptor(fields) }
    }

    public var metric: MetricIdentity {
        get { descriptor.fields.metric }
        set { editDescriptor { $0.metric = newValue } }
    }
    /// Which of several sources of the same wave this is (pressure channel, SpO2 module); 1 if one.
    public var instance: UInt16 {
        get { descriptor.fields.instance }
        set { editDescriptor { $0.instance = newValue } }
    }
    public var containment: Containment? {
        get { descriptor.fields.containment }
        set { editDescriptor { $0.containment = newValue } }
    }
    public var unit: String? {
        get { descriptor.fields.unit }
        set { editDescriptor { $0.unit = newValue } }
    }
    /// MDC unit code, when known.
    public var unitCode: UInt32? {
        get { descriptor.fields.unitCode }
        set { editDescriptor { $0.unitCode = newValue } }
    }
    public var vendorUnit: String? {
        get { descriptor.fields.vendorUnit }
        set { editDescriptor { $0.vendorUnit = newValue } }
    }
    /// Multiply a raw sample by this to get ``unit``.
    public var scale: DecimalValue {
        get { descriptor.fields.scale }
        set { editDescriptor { $0.scale = newValue } }
    }
    /// Add this after scaling (0 for most devices).
    public var offset: DecimalValue {
        get { descriptor.fields.offset }
        set { editDescriptor { $0.offset = newValue } }
    }
    /// Time between samples, in nanoseconds.
    public var samplePeriodNanoseconds: Int64 {
        get { descriptor.fields.samplePeriodNanoseconds }
        set { editDescriptor { $0.samplePeriodNanoseconds = newValue } }
    }
    /// Measurement site (pressure label `ART`) as the device names it.
    public var site: String? {
        get { descriptor.fields.site }
        set { editDescriptor { $0.site = newValue } }
    }
    /// The label the device shows for the wave (ECG lead `II`, `Pleth`), as sent.
    public var displayLabel: String? {
        get { descriptor.fields.displayLabel }
        set { editDescriptor { $0.displayLabel = newValue } }
    }
    public var subdevice: String? {
        get { descriptor.fields.subdevice }
        set { editDescriptor { $0.subdevice = newValue } }
    }

    public static func == (lhs: WaveformSegment, rhs: WaveformSegment) -> Bool {
        lhs.samples == rhs.samples && lhs.state == rhs.state && lhs.reason == rhs.reason
            && lhs.deviceTime == rhs.deviceTime && lhs.hostTime == rhs.hostTime && lhs.descriptor == rhs.descriptor
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(descriptor)
        hasher.combine(samples)
        hasher.combine(state)
        hasher.combine(reason)
        hasher.combine(deviceTime)
        hasher.combine(hostTime)
    }
}

/// Everything about a waveform that stays the same from one segment to the next: what it
/// measures, where it sits in the device, its unit, scale, sample period and labels. Immutable
/// and shared; its feed fields are encoded once, when it is made.
public final class WaveformDescriptor: Hashable, Sendable {
    struct Fields: Hashable, Sendable {
        var metric: MetricIdentity
        var instance: UInt16
        var containment: Containment?
        var unit: String?
        var unitCode: UInt32?
        var vendorUnit: String?
        var scale: DecimalValue
        var offset: DecimalValue
        var samplePeriodNanoseconds: Int64
        var site: String?
        var displayLabel: String?
        var subdevice: String?
    }

    let fields: Fields
    /// Feed fields, each starting with its comma: `,"metric":…` up to `"samplePeriodNs"`; the
    /// site and display label (possibly empty).
    let headJSON: [UInt8]
    let labelsJSON: [UInt8]

    public var metric: MetricIdentity { fields.metric }
    public var instance: UInt16 { fields.instance }
    public var containment: Containment? { fields.containment }
    public var unit: String? { fields.unit }
    public var unitCode: UInt32? { fields.unitCode }
    public var vendorUnit: String? { fields.vendorUnit }
    public var scale: DecimalValue { fields.scale }
    public var offset: DecimalValue { fields.offset }
    public var samplePeriodNanoseconds: Int64 { fields.samplePeriodNanoseconds }
    public var site: String? { fields.site }
    public var displayLabel: String? { fields.displayLabel }
    public var subdevice: String? { fields.subdevice }

    public convenience init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, unit: String?,
                            unitCode: UInt32? = nil, vendorUnit: String? = nil, scale: DecimalValue,
                            offset: DecimalValue = 0, samplePeriodNanoseconds: Int64, site: String? = nil,
                            displayLabel: String? = nil, subdevice: String? = nil) {
        self.init(Fields(metric: metric, instance: instance, containment: containment, unit: unit, unitCode: unitCode,
                         vendorUnit: vendorUnit, scale: scale, offset: offset,
                         samplePeriodNanoseconds: samplePeriodNanoseconds, site: site, displayLabel: displayLabel,
                         subdevice: subdevice))
    }

    init(_ fields: Fields) {
        self.fields = fields
        (headJSON, labelsJSON) = JSONObjectWriter.waveformFragments(fields)
    }

    public static func == (lhs: WaveformDescriptor, rhs: WaveformDescriptor) -> Bool {
        lhs === rhs || lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
    }
}
