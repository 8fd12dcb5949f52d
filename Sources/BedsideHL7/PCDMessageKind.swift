/// The IHE PCD transactions the bridge sends.
public enum PCDMessageKind: String, Sendable, Hashable, CaseIterable {
    /// PCD-01 Communicate PCD Data, `ORU^R01^ORU_R01`.
    case observation = "PCD-01"
    /// PCD-04 Report Alert, `ORU^R40^ORU_R40`.
    case alert = "PCD-04"
    /// PCD-10 Communicate Infusion Event Data, `ORU^R42^ORU_R01`.
    case infusionEvent = "PCD-10"

    /// MSH-9.
    var messageType: String {
        switch self {
        case .observation: "ORU^R01^ORU_R01"
        case .alert: "ORU^R40^ORU_R40"
        case .infusionEvent: "ORU^R42^ORU_R01"
        }
    }

    /// MSH-21 message profile (IHE PCD TF-2 B.1; PCD-10 from TF-2 App. M).
    var profile: String {
        switch self {
        case .observation: "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"
        case .alert: "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO"
        case .infusionEvent: "IHE_PCD_IPEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.10^ISO"
        }
    }
}
