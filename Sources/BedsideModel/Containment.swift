/// Where an observation sits in the device's object tree, as IEEE 11073 and IHE PCD-01 (OBX-4)
/// name it: medical device system (MDS) → virtual medical device (VMD, a module or function) →
/// channel → metric.
///
/// The numbers are ordinals, not codes: `1.2.1.3` is the third metric of the first channel of the
/// second VMD. Drivers take them from their mapping tables, so the same value always gets the same
/// path across sessions and bridge restarts. Each device behind a port is its own MDS (always 1).
public struct Containment: Hashable, Sendable {
    /// Ordinal of the virtual medical device (module / function group), ≥ 1.
    public var vmd: UInt16
    /// Ordinal of the channel within the VMD, ≥ 1.
    public var channel: UInt16
    /// Ordinal of the metric within the channel, ≥ 1.
    public var metric: UInt16
    /// MDC object code of the VMD (partition 1, e.g. 69642 `MDC_DEV_ANALY_SAT_O2_VMD`), when known.
    public var vmdCode: UInt32?
    /// MDC object code of the channel (e.g. 69643 `MDC_DEV_ANALY_SAT_O2_CHAN`), when known.
    public var channelCode: UInt32?

    public init(vmd: UInt16, channel: UInt16, metric: UInt16, vmdCode: UInt32? = nil, channelCode: UInt32? = nil) {
        self.vmd = vmd
        self.channel = channel
        self.metric = metric
        self.vmdCode = vmdCode
        self.channelCode = channelCode
    }

    /// The OBX-4 form, `MDS.VMD.CHAN.METRIC` (`1.2.1.3`).
    public var path: String { "1.\(vmd).\(channel).\(metric)" }
}

/// A number with its unit, as UCUM and as an MDC unit code; what infusion parameters and alarm
/// values are made of.
public struct Quantity: Hashable, Sendable {
    /// The exact number as the device gave it.
    public var value: DecimalValue
    /// UCUM unit (`mL/h`, `mg/mL`); `nil` only when the device's unit is not in our tables.
    public var unit: String?
    /// MDC unit code (partition 4, e.g. 265266 for `mL/h`), when known.
    public var unitCode: UInt32?
    /// The device's own unit code, kept when ``unit`` is `nil` and for audit.
    public var vendorUnit: String?

    public init(_ value: DecimalValue, unit: String?, unitCode: UInt32? = nil, vendorUnit: String? = nil) {
        self.value = value
        self.unit = unit
        self.unitCode = unitCode
        self.vendorUnit = vendorUnit
    }
}
