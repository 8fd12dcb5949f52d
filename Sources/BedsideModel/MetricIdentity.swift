/// What a value measures: an IEEE 11073-10101 (MDC) term when the vendor code is mapped, and always
/// the vendor's own code so nothing is lost when it is not.
public struct MetricIdentity: Hashable, Sendable {
    /// MDC reference id, e.g. `MDC_ECG_HEART_RATE`; `nil` when the vendor code is not mapped.
    public var referenceID: String?
    /// MDC numeric code (partition × 65536 + term code), e.g. 147842; `nil` when not mapped or not known.
    public var code: UInt32?
    /// The vendor's own identifier for this value, e.g. `ge:basic.ecg.hr` or `intellivue:0x0002:0x4182`.
    public var vendorCode: String

    public init(referenceID: String?, code: UInt32?, vendorCode: String) {
        self.referenceID = referenceID
        self.code = code
        self.vendorCode = vendorCode
    }

    /// A vendor code that no mapping table row covers; forwarded with an "unmapped" mark.
    public static func unmapped(_ vendorCode: String) -> MetricIdentity {
        MetricIdentity(referenceID: nil, code: nil, vendorCode: vendorCode)
    }

    public var isMapped: Bool { referenceID != nil }
}
