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
    public var state: MeasurementState
    /// `true` for a measurement taken at one moment (NIBP, a spot temperature): ``deviceTime`` is
    /// when it was measured, and it is reported once per measurement, not on every update.
    public var episodic: Bool
    /// The device's own clock for this value (for an episodic value: when it was measured).
    public var deviceTime: DeviceTime?
    /// When the host received the bytes that carried it.
    public var hostTime: Timestamp
    /// The fields many readings leave empty, kept out of line: every reading is copied several
    /// times on its way to the feed (driver output, ledger, bus), and eight inline optionals
    /// doubled its size and the reference counting of each copy. `nil` when all are empty.
    private var details: NumericReadingDetails.Box?

    /// The device's own unit code when it has one (kept for unmapped units and for audit).
    public var vendorUnit: String? {
        get { details?.fields.vendorUnit }
        set { editDetails { $0.vendorUnit = newValue } }
    }
    /// Why the state is not `valid`, in the device's terms (e.g. `GE control code -32767: no valid data`).
    public var reason: String? {
        get { details?.fields.reason }
        set { editDetails { $0.reason = newValue } }
    }
    /// Body site or measurement site as the device names it: pressure label `ART`, temperature site `ESO`.
    public var site: String? {
        get { details?.fields.site }
        set { editDetails { $0.site = newValue } }
    }
    /// Where the value was derived from when one metric has several sources: `ECG`, `pleth`, `ART`.
    public var source: String? {
        get { details?.fields.source }
        set { editDetails { $0.source = newValue } }
    }
    /// How an episodic measurement was taken: NIBP cuff mode `manual`, `auto`, `stat`.
    public var mode: String? {
        get { details?.fields.mode }
        set { editDetails { $0.mode = newValue } }
    }
    /// The label the device shows for this value on its screen (IntelliVue `ABP`, GE `P1`), as sent.
    public var displayLabel: String? {
        get { details?.fields.displayLabel }
        set { editDetails { $0.displayLabel = newValue } }
    }
    /// For a re-statement (a stale mark or a snapshot): how long ago the value was last received.
    public var ageNanoseconds: Int64? {
        get { details?.fields.ageNanoseconds }
        set { editDetails { $0.ageNanoseconds = newValue } }
    }
    /// Which device behind the port sent it, for ports with several (a pump rack); `nil` for the
    /// port's only device.
    public var subdevice: String? {
        get { details?.fields.subdevice }
        set { editDetails { $0.subdevice = newValue } }
    }

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
        self.state = state
        self.episodic = episodic
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        let fields = NumericReadingDetails(vendorUnit: vendorUnit, reason: reason, site: site, source: source, mode: mode,
                                           displayLabel: displayLabel, ageNanoseconds: ageNanoseconds,
                                           subdevice: subdevice)
        details = fields.isEmpty ? nil : NumericReadingDetails.Box(fields)
    }
}

extension NumericReading {
    /// Changes the out-of-line fields: in place when this reading holds the only reference to
    /// them, otherwise on a copy (value semantics, as if they were stored inline).
    private mutating func editDetails(_ body: (inout NumericReadingDetails) -> Void) {
        if isKnownUniquelyReferenced(&details) {
            body(&details!.fields)
            if details!.fields.isEmpty { details = nil }
        } else {
            var fields = details?.fields ?? NumericReadingDetails()
            body(&fields)
            details = fields.isEmpty ? nil : NumericReadingDetails.Box(fields)
        }
    }

    private var detailFields: NumericReadingDetails { details?.fields ?? NumericReadingDetails() }

    public static func == (lhs: NumericReading, rhs: NumericReading) -> Bool {
        lhs.metric == rhs.metric && lhs.instance == rhs.instance && lhs.containment == rhs.containment
            && lhs.value == rhs.value && lhs.unit == rhs.unit && lhs.unitCode == rhs.unitCode && lhs.state == rhs.state
            && lhs.episodic == rhs.episodic && lhs.deviceTime == rhs.deviceTime && lhs.hostTime == rhs.hostTime
            && (lhs.details === rhs.details || lhs.detailFields == rhs.detailFields)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(metric)
        hasher.combine(instance)
        hasher.combine(containment)
        hasher.combine(value)
        hasher.combine(unit)
        hasher.combine(unitCode)
        hasher.combine(state)
        hasher.combine(episodic)
        hasher.combine(deviceTime)
        hasher.combine(hostTime)
        hasher.combine(detailFields)
    }
}

/// The optional text fields of a ``NumericReading`` (and its age), stored out of line.
struct NumericReadingDetails: Hashable, Sendable {
    var vendorUnit: String?
    var reason: String?
    var site: String?
    var source: String?
    var mode: String?
    var displayLabel: String?
    var ageNanoseconds: Int64?
    var subdevice: String?

    var isEmpty: Bool {
        vendorUnit == nil && reason == nil && site == nil && source == nil && mode == nil && displayLabel == nil
            && ageNanoseconds == nil && subdevice == nil
    }

    /// Shared between copies of a reading; only changed when not shared (see `editDetails`), so it
    /// is never mutated while another thread can see it.
    final class Box: @unchecked Sendable {
        var fields: NumericReadingDetails
        init(_ fields: NumericReadingDetails) { self.fields = fields }
    }
}
