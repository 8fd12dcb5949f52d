/// The MDC reference ids the messages need beside the numeric codes the model carries: OBX-3 and
/// OBX-6 are `code^REFID^MDC`, and the model keeps unit and object codes as numbers only.
///
/// Every row is from the study of the standards (shared research, `downstream.md` §3: NIST RTMMS,
/// the IntelliVue nomenclature, IHE PCD TF-2/TF-3), numbers cross-checked there. A code missing
/// here is still sent, with an empty REFID component: receivers key on the number.
public enum MDCTerms {
    /// Unit codes (partition 4) to REFID.
    public static let units: [UInt32: String] = [
        264864: "MDC_DIM_BEAT_PER_MIN", 264896: "MDC_DIM_PULS_PER_MIN", 264928: "MDC_DIM_RESP_PER_MIN",
        262688: "MDC_DIM_PERCENT", 262656: "MDC_DIM_DIMLESS", 266016: "MDC_DIM_MMHG", 265987: "MDC_DIM_KILO_PASCAL",
        268192: "MDC_DIM_DEGC", 266560: "MDC_DIM_FAHR", 265266: "MDC_DIM_MILLI_L_PER_HR", 263762: "MDC_DIM_MILLI_L",
        264352: "MDC_DIM_MIN", 264320: "MDC_DIM_X_SEC", 264306: "MDC_DIM_MILLI_G_PER_ML",
        265619: "MDC_DIM_MICRO_G_PER_KG_PER_MIN", 263875: "MDC_DIM_KILO_G",
    ]

    /// Object codes (partition 1: MDS, VMD, channel) to REFID.
    public static let objects: [UInt32: String] = [
        69965: "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS",
        69798: "MDC_DEV_ECG_VMD", 69799: "MDC_DEV_ECG_CHAN",
        70666: "MDC_DEV_ECG_RESP_VMD", 70739: "MDC_DEV_CARD_RATE_CHAN",
        69642: "MDC_DEV_ANALY_SAT_O2_VMD", 69643: "MDC_DEV_ANALY_SAT_O2_CHAN",
        70771: "MDC_DEV_ANALY_PERF_REL_CHAN",
        70674: "MDC_DEV_PULS_VMD", 70675: "MDC_DEV_PULS_CHAN",
        70686: "MDC_DEV_PRESS_BLD_NONINV_VMD", 70687: "MDC_DEV_PRESS_BLD_NONINV_CHAN",
        69710: "MDC_DEV_ANALY_PRESS_BLD_VMD", 69711: "MDC_DEV_ANALY_PRESS_BLD_CHAN",
        69854: "MDC_DEV_METER_PRESS_BLD_VMD", 69855: "MDC_DEV_METER_PRESS_BLD_CHAN",
        69902: "MDC_DEV_METER_TEMP_VMD", 69903: "MDC_DEV_METER_TEMP_CHAN",
        69722: "MDC_DEV_ANALY_RESP_RATE_VMD", 69723: "MDC_DEV_ANALY_RESP_RATE_CHAN",
        70682: "MDC_DEV_CO2_VMD", 70683: "MDC_DEV_CO2_CHAN",
        69650: "MDC_DEV_ANALY_CONC_GAS_MULTI_PARAM_VMD",
        69985: "MDC_DEV_PUMP_INFUS_MDS", 69986: "MDC_DEV_PUMP_INFUS_VMD",
        70049: "MDC_DEV_PUMP_INFUS_LVP_MDS", 70050: "MDC_DEV_PUMP_INFUS_LVP_VMD",
        70053: "MDC_DEV_PUMP_INFUS_SYRINGE_MDS", 70054: "MDC_DEV_PUMP_INFUS_SYRINGE_VMD",
        70067: "MDC_DEV_PUMP_DELIVERY_INFO", 70071: "MDC_DEV_PUMP_INFUSATE_SOURCE_PRIMARY",
        70075: "MDC_DEV_PUMP_INFUSATE_SOURCE_SECONDARY",
    ]

    /// MDS of a multi-parameter monitor (69965) and of a generic infusion pump (69985).
    static let monitorMDS = (code: UInt32(69965), refid: "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS")
    static let pumpMDS = (code: UInt32(69985), refid: "MDC_DEV_PUMP_INFUS_MDS")
    static let pumpVMD = (code: UInt32(69986), refid: "MDC_DEV_PUMP_INFUS_VMD")
    /// The pump VMD's ordinal in OBX-4 (`1.1.0.0`): the infusion function is the pump's first VMD.
    static let pumpVMDOrdinal: UInt16 = 1
    static let pumpDelivery = (code: UInt32(70067), refid: "MDC_DEV_PUMP_DELIVERY_INFO")

    /// `code^REFID^MDC` (OBX-3 / CWE), REFID empty when not known.
    static func cwe(_ code: UInt32?, _ refid: String?) -> String {
        ER7Writer.components([code.map(String.init) ?? "", refid.map(ER7Writer.escaped) ?? "", "MDC"])
    }

    /// OBX-6: MDC unit and UCUM (`264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM`); UCUM only when
    /// the MDC code is unknown; the device's own unit as text when neither is known.
    static func unit(code: UInt32?, ucum: String?, vendorUnit: String?) -> String {
        var parts = ["", "", "", "", "", ""]
        if let code {
            parts[0] = String(code)
            parts[1] = units[code] ?? ""
            parts[2] = "MDC"
        }
        if let ucum {
            parts[3] = ER7Writer.escaped(ucum)
            parts[4] = ER7Writer.escaped(ucum)
            parts[5] = "UCUM"
        } else if code == nil, let vendorUnit {
            parts[1] = ER7Writer.escaped(vendorUnit)
        }
        return ER7Writer.components(parts)
    }
}
