/// Our own IHE PCD checks on an ER7 message — what hl7apy does not check (the list in the PCD
/// study, downstream.md §8): MSH-9/12/15/16/21 values, a time zone on every DTM, OBX-4 unique,
/// four or more levels and in dictionary order, device rows with OBX-11 `X` and no value, metric
/// rows with OBX-2/5/6, OBX-3 as `code^REFID^MDC` with a known pair, EI-1 ≤ 20 characters, PCD-04
/// facets complete and the OBR-29 rule.
public enum PCDRules {
    /// Known context-free code ↔ REFID pairs (downstream.md §3 tables).
    public static let knownPairs: [String: String] = [
        "147842": "MDC_ECG_HEART_RATE", "149530": "MDC_PULS_OXIM_PULS_RATE", "149546": "MDC_PULS_RATE_NON_INV",
        "149514": "MDC_PULS_RATE", "149522": "MDC_BLD_PULS_RATE_INV", "150456": "MDC_PULS_OXIM_SAT_O2",
        "150448": "MDC_PULS_OXIM_PERF_REL", "150021": "MDC_PRESS_BLD_NONINV_SYS", "150022": "MDC_PRESS_BLD_NONINV_DIA",
        "150023": "MDC_PRESS_BLD_NONINV_MEAN", "150344": "MDC_TEMP", "151562": "MDC_RESP_RATE",
        "151578": "MDC_TTHOR_RESP_RATE", "157784": "MDC_FLOW_FLUID_PUMP", "157884": "MDC_VOL_FLUID_TBI",
        "157872": "MDC_VOL_FLUID_TBI_REMAIN", "157993": "MDC_VOL_FLUID_DELIV_TOTAL", "157916": "MDC_TIME_PD_REMAIN",
        "264864": "MDC_DIM_BEAT_PER_MIN", "262688": "MDC_DIM_PERCENT", "266016": "MDC_DIM_MMHG", "268192": "MDC_DIM_DEGC",
        "69965": "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS", "69798": "MDC_DEV_ECG_VMD", "69799": "MDC_DEV_ECG_CHAN",
        "69642": "MDC_DEV_ANALY_SAT_O2_VMD", "69643": "MDC_DEV_ANALY_SAT_O2_CHAN", "69985": "MDC_DEV_PUMP_INFUS_MDS",
        "196616": "MDC_EVT_ALARM", "196670": "MDC_EVT_LO", "196648": "MDC_EVT_HI",
        "68480": "MDC_ATTR_ALERT_SOURCE", "68481": "MDC_ATTR_EVENT_PHASE", "68482": "MDC_ATTR_ALARM_STATE",
        "68483": "MDC_ATTR_ALARM_INACTIVATION_STATE", "68484": "MDC_ATTR_ALARM_PRIORITY", "68485": "MDC_ATTR_ALERT_TYPE",
    ]

    static let profiles: [String: String] = [
        "ORU^R01^ORU_R01": "1.3.6.1.4.1.19376.1.6.1.1.1",
        "ORU^R40^ORU_R40": "1.3.6.1.4.1.19376.1.6.1.4.1",
        "ORU^R42^ORU_R01": "1.3.6.1.4.1.19376.1.6.4.10",
    ]

    /// Problems found; empty when the message keeps every rule.
    public static func check(_ message: String) -> [String] {
        var problems: [String] = []
        let segments = message.split(separator: "\r", omittingEmptySubsequences: true).map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
        if message.contains("\n") { problems.append("LF in message: segments must end in CR only") }
        guard let msh = segments.first, msh.first == "MSH" else { return ["first segment is not MSH"] }
        func field(_ seg: [String], _ n: Int) -> String {
            // MSH-1 is the separator itself: MSH-n sits at index n-1.
            let i = seg.first == "MSH" ? n - 1 : n
            return i < seg.count ? seg[i] : ""
        }
        let type = field(msh, 9)
        if profiles[type] == nil { problems.append("MSH-9 '\(type)' is not a PCD message type") }
        if field(msh, 12) != "2.6" { problems.append("MSH-12 must be 2.6") }
        if field(msh, 15) != "AL" || field(msh, 16) != "NE" { problems.append("MSH-15/16 must be AL/NE") }
        let profile = field(msh, 21).split(separator: "^", omittingEmptySubsequences: false)
        if profile.count < 3 || String(profile[2]) != profiles[type] { problems.append("MSH-21 OID wrong for \(type): \(field(msh, 21))") }
        if field(msh, 10).isEmpty || field(msh, 10).count > 20 { problems.append("MSH-10 empty or longer than 20") }

        func hasZone(_ dtm: String) -> Bool {
            guard dtm.count >= 14 + 5 else { return false }
            let zone = dtm.suffix(5)
            return (zone.first == "+" || zone.first == "-") && zone.dropFirst().allSatisfy(\.isNumber)
        }
        if !hasZone(field(msh, 7)) { problems.append("MSH-7 '\(field(msh, 7))' has no time zone or no seconds") }

        var paths: [[Int]] = []
        var facets: Set<Int> = []
        let isAlert = type.hasPrefix("ORU^R40")
        for seg in segments {
            switch seg.first {
            case "OBR":
                paths = []
                for n in [2, 3] {
                    let ei = field(seg, n).split(separator: "^", omittingEmptySubsequences: false)
                    if let id = ei.first, id.count > 20 || id.isEmpty { problems.append("OBR-\(n) EI-1 '\(id)' empty or over 20") }
                }
                if !hasZone(field(seg, 7)) { problems.append("OBR-7 '\(field(seg, 7))' has no time zone") }
            case "OBX":
                let path = field(seg, 4)
                let parts = path.split(separator: ".").compactMap { Int($0) }
                let depth = isAlert ? 5 : 4
                if parts.count != depth || path.split(separator: ".").count != depth {
                    problems.append("OBX-4 '\(path)' must have \(depth) numeric levels")
                }
                if paths.contains(parts) { problems.append("OBX-4 '\(path)' repeated in one OBR group") }
                if let last = paths.last, !last.lexicographicallyPrecedes(parts) {
                    problems.append("OBX-4 '\(path)' out of dictionary order")
                }
                paths.append(parts)
                let code = field(seg, 3).split(separator: "^", omittingEmptySubsequences: false).map(String.init)
                if code.count < 3 || code[2] != "MDC" { problems.append("OBX-3 '\(field(seg, 3))' is not code^REFID^MDC") }
                if code.count >= 2, let known = knownPairs[code[0]], known != code[1] {
                    problems.append("OBX-3 code \(code[0]) is \(known), not \(code[1])")
                }
                if !field(seg, 14).isEmpty && !hasZone(field(seg, 14)) { problems.append("OBX-14 '\(field(seg, 14))' has no time zone") }
                let status = field(seg, 11)
                if status.isEmpty { problems.append("OBX-11 empty at \(path)") }
                if isAlert {
                    if let facet = parts.last { facets.insert(facet) }
                    if status != "F" { problems.append("PCD-04 OBX-11 must be F at \(path)") }
                } else if parts.count == 4 && parts.last == 0 {
                    if status != "X" || !field(seg, 2).isEmpty || !field(seg, 5).isEmpty {
                        problems.append("device row \(path) must have OBX-11 X and empty OBX-2/5")
                    }
                } else if status != "X" {
                    if field(seg, 2).isEmpty || field(seg, 5).isEmpty { problems.append("metric row \(path) lacks OBX-2 or OBX-5") }
                    if field(seg, 2) == "NM" && field(seg, 6).isEmpty { problems.append("numeric row \(path) lacks OBX-6") }
                }
            default: break
            }
        }
        if isAlert {
            if facets != Set(1...7) { problems.append("PCD-04 facets \(facets.sorted()) are not 1…7") }
            let obr = segments.first { $0.first == "OBR" } ?? []
            let phase = segments.first { $0.first == "OBX" && field($0, 3).hasPrefix("68481^") }.map { field($0, 5) } ?? ""
            let parent = field(obr, 29)
            if phase == "start" && !parent.isEmpty { problems.append("PCD-04 start must have empty OBR-29") }
            if phase != "start" && !parent.hasPrefix("^") { problems.append("PCD-04 \(phase) needs OBR-29.2 (the first message's OBR-3)") }
        }
        return problems
    }
}
