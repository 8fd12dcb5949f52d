/// One numeric value from a device, normalized.
///
/// A consumer keys current values on (device, ``metric``, ``instance``): within one record no two
/// readings of a device share that key (a test replays every capture to hold the drivers to it).
///
/// What a value *is* (metric, instance, containment, unit, site, labels) is the same from one
/// update to the next, so it lives in a shared, immutable ``NumericDescriptor``; the reading itself
/// holds only what changes (value, state, times). Every reading is copied several times on its way
/// to the feed (driver output, ledger, bus), and a driver that keeps one descriptor per field
/// makes each copy a few words and one reference count. The descriptor's fields read and write
/// as the reading's own: setting one gives this reading a changed copy of its descriptor.
public struct NumericReading: Hashable, Sendable {
    /// What the value is; shared between readings of the same value.
    @inlinable public var descriptor: NumericDescriptor { storedDescriptor }
    // Set only here (a changed field gets a changed copy); visible to inlined code so that a
    // reading is made and read in place from other modules.
    @usableFromInline var storedDescriptor: NumericDescriptor
    /// The number, exactly as the device gave it after its documented scaling; `nil` when absent.
    public var value: DecimalValue?
    public var state: MeasurementState
    /// Why the state is not `valid`, in the device's terms (e.g. `GE control code -32767: no valid data`).
    /// An empty reason is no reason (`nil`).
    public var reason: String? {
        @inlinable get { storedReason.isEmpty ? nil : storedReason }
        @inlinable set { storedReason = newValue ?? "" }
    }
    // Kept as a plain string, empty for none: a reading with an optional string beside its
    // descriptor was copied and the original destroyed each time one was stored in an array.
    @usableFromInline var storedReason: String
    /// The device's own clock for this value (for an episodic value: when it was measured).
    public var deviceTime: DeviceTime?
    /// When the host received the bytes that carried it.
    public var hostTime: Timestamp
    /// For a re-statement (a stale mark or a snapshot): how long ago the value was last received.
    public var ageNanoseconds: Int64?

    /// A reading of the value `descriptor` describes: the fast path for drivers that keep one
    /// descriptor per field.
    @inlinable
    public init(descriptor: NumericDescriptor, value: DecimalValue?, state: MeasurementState, reason: String? = nil,
                deviceTime: DeviceTime?, hostTime: Timestamp, ageNanoseconds: Int64? = nil) {
        storedDescriptor = descriptor
        self.value = value
        self.state = state
        storedReason = reason ?? ""
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.ageNanoseconds = ageNanoseconds
    }

    public init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, value: DecimalValue?,
                unit: String?, unitCode: UInt32? = nil, vendorUnit: String? = nil, state: MeasurementState,
                reason: String? = nil, site: String? = nil, source: String? = nil, mode: String? = nil,
                displayLabel: String? = nil, episodic: Bool = false, deviceTime: DeviceTime?, hostTime: Timestamp,
                ageNanoseconds: Int64? = nil, subdevice: String? = nil) {
        self.init(descriptor: NumericDescriptor(metric: metric, instance: instance, containment: containment, unit: unit,
                                                unitCode: unitCode, vendorUnit: vendorUnit, site: site, source: source,
                                                mode: mode, displayLabel: displayLabel, episodic: episodic,
                                                subdevice: subdevice),
                  value: value, state: state, reason: reason, deviceTime: deviceTime, hostTime: hostTime,
                  ageNanoseconds: ageNanoseconds)
    }

    /// Becomes equal to `other`. When both share a descriptor it stays in place: a store that
    /// keeps the latest reading per value (the ledger, for every reading) then counts no
    /// references and copies no strings it does not have to.
    @inlinable @inline(__always)
    public mutating func replace(with other: NumericReading) {
        if storedDescriptor !== other.storedDescriptor { storedDescriptor = other.storedDescriptor }
        value = other.value
        state = other.state
        if !storedReason.isEmpty || !other.storedReason.isEmpty { storedReason = other.storedReason }
        deviceTime = other.deviceTime
        hostTime = other.hostTime
        ageNanoseconds = other.ageNanoseconds
    }

    /// Gives this reading a descriptor with one field changed (others keep the one they share).
    private mutating func editDescriptor(_ body: (inout NumericDescriptor.Fields) -> Void) {
        var fields = descriptor.fields
        body(&fields)
        if fields != descriptor.fields { storedDescriptor = NumericDescriptor(fields) }
    }

    public var metric: MetricIdentity {
        @inlinable get { descriptor.metric }
        set { editDescriptor { $0.metric = newValue } }
    }
    /// Which of several sources of the same metric this is: SpO2 module 1 or 2, pressure channel
    /// P1–P8, temperature T1–T6. 1 when the device has only one. Stable across sessions.
    public var instance: UInt16 {
        @inlinable get { descriptor.instance }
        set { editDescriptor { $0.instance = newValue } }
    }
    /// The value's place in the device's object tree (IHE PCD-01 OBX-4), when the driver knows it.
    public var containment: Containment? {
        @inlinable get { descriptor.containment }
        set { editDescriptor { $0.containment = newValue } }
    }
    /// UCUM unit (`/min`, `mm[Hg]`, `%`, `Cel`); `nil` only when the device's unit code is not mapped,
    /// in which case ``vendorUnit`` says what the device sent.
    public var unit: String? {
        @inlinable get { descriptor.unit }
        set { editDescriptor { $0.unit = newValue } }
    }
    /// MDC unit code (partition 4, e.g. 264864 `MDC_DIM_BEAT_PER_MIN`), when known.
    public var unitCode: UInt32? {
        @inlinable get { descriptor.unitCode }
        set { editDescriptor { $0.unitCode = newValue } }
    }
    /// The device's own unit code when it has one (kept for unmapped units and for audit).
    public var vendorUnit: String? {
        @inlinable get { descriptor.vendorUnit }
        set { editDescriptor { $0.vendorUnit = newValue } }
    }
    /// Body site or measurement site as the device names it: pressure label `ART`, temperature site `ESO`.
    public var site: String? {
        @inlinable get { descriptor.site }
        set { editDescriptor { $0.site = newValue } }
    }
    /// Where the value was derived from when one metric has several sources: `ECG`, `pleth`, `ART`.
    public var source: String? {
        @inlinable get { descriptor.source }
        set { editDescriptor { $0.source = newValue } }
    }
    /// How an episodic measurement was taken: NIBP cuff mode `manual`, `auto`, `stat`.
    public var mode: String? {
        @inlinable get { descriptor.mode }
        set { editDescriptor { $0.mode = newValue } }
    }
    /// The label the device shows for this value on its screen (IntelliVue `ABP`, GE `P1`), as sent.
    public var displayLabel: String? {
        @inlinable get { descriptor.displayLabel }
        set { editDescriptor { $0.displayLabel = newValue } }
    }
    /// `true` for a measurement taken at one moment (NIBP, a spot temperature): ``deviceTime`` is
    /// when it was measured, and it is reported once per measurement, not on every update.
    public var episodic: Bool {
        @inlinable get { descriptor.episodic }
        set { editDescriptor { $0.episodic = newValue } }
    }
    /// Which device behind the port sent it, for ports with several (a pump rack); `nil` for the
    /// port's only device.
    public var subdevice: String? {
        @inlinable get { descriptor.subdevice }
        set { editDescriptor { $0.subdevice = newValue } }
    }

    public static func == (lhs: NumericReading, rhs: NumericReading) -> Bool {
        lhs.value == rhs.value && lhs.state == rhs.state && lhs.storedReason == rhs.storedReason && lhs.deviceTime == rhs.deviceTime
            && lhs.hostTime == rhs.hostTime && lhs.ageNanoseconds == rhs.ageNanoseconds && lhs.descriptor == rhs.descriptor
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(descriptor)
        hasher.combine(value)
        hasher.combine(state)
        hasher.combine(storedReason)
        hasher.combine(deviceTime)
        hasher.combine(hostTime)
        hasher.combine(ageNanoseconds)
    }
}

/// Everything about a numeric value that stays the same from one update to the next: what it
/// measures, where it sits in the device, its unit and labels. Immutable and shared; its feed
/// fields are encoded once, when it is made.
public final class NumericDescriptor: Hashable, Sendable {
    struct Fields: Hashable, Sendable {
        var metric: MetricIdentity
        var instance: UInt16
        var containment: Containment?
        var unit: String?
        var unitCode: UInt32?
        var vendorUnit: String?
        var site: String?
        var source: String?
        var mode: String?
        var displayLabel: String?
        var episodic: Bool
        var subdevice: String?
    }

    let fields: Fields
    // What the ledger and the encoders read for every reading, stored apart from `fields` so that
    // other modules read them in place (inlinable) instead of calling an accessor.
    @usableFromInline let hotInstance: UInt16
    @usableFromInline let hotEpisodic: Bool
    @usableFromInline let hotMappedCode: UInt32?
    @usableFromInline let hotIsMapped: Bool
    @usableFromInline let hotSubdevice: String?
    /// A hash of what identifies the value (MDC code or vendor code, instance, subdevice), made
    /// once: a store keyed on values hashes this instead of the strings.
    public let identityHash: Int
    /// Feed fields, each starting with its comma: `,"metric":…` up to the containment; `,"unit":…`
    /// to the vendor unit; the labels and the episodic flag (possibly empty).
    let identityJSON: [UInt8]
    let unitJSON: [UInt8]
    let labelsJSON: [UInt8]

    public var metric: MetricIdentity { fields.metric }
    @inlinable public var instance: UInt16 { hotInstance }
    public var containment: Containment? { fields.containment }
    public var unit: String? { fields.unit }
    public var unitCode: UInt32? { fields.unitCode }
    public var vendorUnit: String? { fields.vendorUnit }
    public var site: String? { fields.site }
    public var source: String? { fields.source }
    public var mode: String? { fields.mode }
    public var displayLabel: String? { fields.displayLabel }
    @inlinable public var episodic: Bool { hotEpisodic }
    @inlinable public var subdevice: String? { hotSubdevice }
    /// Whether the vendor code is mapped to an MDC term.
    @inlinable public var isMapped: Bool { hotIsMapped }
    /// The MDC code when the value is mapped (read without copying the metric's strings).
    @inlinable public var mappedCode: UInt32? { hotMappedCode }

    public convenience init(metric: MetricIdentity, instance: UInt16 = 1, containment: Containment? = nil, unit: String?,
                            unitCode: UInt32? = nil, vendorUnit: String? = nil, site: String? = nil, source: String? = nil,
                            mode: String? = nil, displayLabel: String? = nil, episodic: Bool = false,
                            subdevice: String? = nil) {
        self.init(Fields(metric: metric, instance: instance, containment: containment, unit: unit, unitCode: unitCode,
                         vendorUnit: vendorUnit, site: site, source: source, mode: mode, displayLabel: displayLabel,
                         episodic: episodic, subdevice: subdevice))
    }

    init(_ fields: Fields) {
        self.fields = fields
        hotInstance = fields.instance
        hotEpisodic = fields.episodic
        hotMappedCode = fields.metric.referenceID != nil ? fields.metric.code : nil
        hotIsMapped = fields.metric.referenceID != nil
        hotSubdevice = fields.subdevice
        var hasher = Hasher()
        if fields.metric.referenceID != nil, let code = fields.metric.code {
            hasher.combine(code)
        } else {
            hasher.combine(fields.metric.referenceID ?? fields.metric.vendorCode)
        }
        hasher.combine(fields.instance)
        hasher.combine(fields.subdevice)
        identityHash = hasher.finalize()
        (identityJSON, unitJSON, labelsJSON) = JSONObjectWriter.descriptorFragments(fields)
    }

    public static func == (lhs: NumericDescriptor, rhs: NumericDescriptor) -> Bool {
        lhs === rhs || lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
    }
}
