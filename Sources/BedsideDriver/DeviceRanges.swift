import BedsideModel

/// What a device can physically report for each metric, from its protocol notes: the bridge
/// treats a `valid` value outside it as damage or a decoding fault, never as a measurement.
///
/// Keyed by the vendor code (`ge:basic.spo2.spo2`) first and the MDC reference id second, so a
/// table can state a range per field or per kind of value. Every driver declares its ranges in its
/// ``DriverDescriptor``; ``ObservationLedger`` applies them to every numeric of every driver.
public struct DeviceRanges: Sendable {
    public struct Range: Sendable, Hashable {
        public var lower: DecimalValue
        public var upper: DecimalValue
        public init(_ lower: DecimalValue, _ upper: DecimalValue) {
            self.lower = lower
            self.upper = upper
        }
        public func contains(_ v: DecimalValue) -> Bool { !(v < lower) && !(upper < v) }
    }

    public var byVendorCode: [String: Range]
    public var byMetric: [String: Range]

    public init(byVendorCode: [String: Range] = [:], byMetric: [String: Range] = [:]) {
        self.byVendorCode = byVendorCode
        self.byMetric = byMetric
    }

    public var isEmpty: Bool { byVendorCode.isEmpty && byMetric.isEmpty }

    /// The range that applies to `metric`, if any.
    public func range(for metric: MetricIdentity) -> Range? {
        if let r = byVendorCode[metric.vendorCode] { return r }
        if let ref = metric.referenceID { return byMetric[ref] }
        return nil
    }

    /// Marks a `valid` or `questionable` reading outside its range `invalid`, keeping the number;
    /// returns whether it passed.
    public func check(_ reading: inout NumericReading) -> Bool {
        guard let r = range(for: reading.metric) else { return true }
        return Self.check(&reading, against: r)
    }

    /// The same check against a range already looked up.
    @inline(__always)
    public static func check(_ reading: inout NumericReading, against r: Range) -> Bool {
        guard reading.state == .valid || reading.state == .questionable, let v = reading.value, !r.contains(v)
        else { return true }
        markOutside(&reading, range: r, value: v)
        return false
    }

    /// The rare outcome, kept out of line.
    @inline(never)
    private static func markOutside(_ reading: inout NumericReading, range r: Range, value v: DecimalValue) {
        reading.state = .invalid
        reading.reason = "outside the device's range (\(r.lower.text) to \(r.upper.text)): \(v.text) is not a value it can report"
    }
}
