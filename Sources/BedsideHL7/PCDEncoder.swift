import BedsideModel

/// Writes IHE PCD messages (HL7 v2.6, ER7) from the model. Pure: everything a message needs —
/// control id, creation time, the unbound-patient id, an alert's first id — comes in as arguments.
public struct PCDEncoder: Sendable {
    public var sender: HL7Sender

    public init(sender: HL7Sender) { self.sender = sender }

    // MARK: Common segments

    /// MSH, PID, PV1 and OBR (one order group) for `kind`.
    func begin(_ w: inout ER7Writer, kind: PCDMessageKind, controlID: String, created: Timestamp, device: DeviceIdentity,
               patient: UnboundPatient, serviceCode: String, observationTime: Timestamp, alertParent: String? = nil,
               alertID: String? = nil) {
        // MSH-11: production only for live devices; simulated and replayed data go out as debugging
        // data, so no receiver can chart them as a patient's.
        let processing = device.simulated ? "D" : "P"
        w.header([
            "^~\\&", sender.applicationHD, sender.facility.map(ER7Writer.escaped) ?? "",
            sender.receivingApplication.map(ER7Writer.escaped) ?? "", sender.receivingFacility.map(ER7Writer.escaped) ?? "",
            HL7Time.dtm(created), "", kind.messageType, controlID, processing, "2.6", "", "", "AL", "NE", "",
            "UNICODE UTF-8", "", "", kind.profile,
        ])
        var pid = [String](repeating: "", count: 31)
        pid[2] = ER7Writer.components([ER7Writer.escaped(patient.temporaryID), "", "", ER7Writer.escaped(sender.application), "ANON"])
        pid[4] = "^^^^^^U"
        pid[30] = "Y"
        w.segment("PID", pid)
        // PV1-3 (PL): point of care ^ room ^ bed ^ facility; the chair is the room, as in the
        // PCD study's examples (`INFUSION^CHAIR07^…`).
        let location = ER7Writer.components([
            ER7Writer.escaped(sender.pointOfCare), patient.location.map(ER7Writer.escaped) ?? "", "",
            sender.facility.map(ER7Writer.escaped) ?? "",
        ])
        w.segment("PV1", ["", ER7Writer.escaped(sender.patientClass), location])
        var obr = [String](repeating: "", count: 29)
        obr[0] = "1"
        obr[1] = sender.entity(controlID)
        obr[2] = sender.entity(alertID ?? controlID)
        obr[3] = serviceCode
        obr[6] = HL7Time.dtm(observationTime)
        if let alertParent {
            // CP-PCD-151: OBR-29.2 is the first message's OBR-3, written with sub-components.
            obr[28] = "^" + ER7Writer.subcomponents([alertParent, ER7Writer.escaped(sender.application), sender.eui64, "EUI-64"])
        }
        w.segment("OBR", obr)
    }

    /// One OBX; `fields[0]` is OBX-2.
    static func obx(_ w: inout ER7Writer, _ n: inout Int, _ fieldsFromOBX2: [String]) {
        n += 1
        w.segment("OBX", [String(n)] + fieldsFromOBX2)
    }

    /// OBX fields 2…20 by number.
    struct OBXFields {
        var values = [String](repeating: "", count: 19)  // OBX-2 … OBX-20
        subscript(_ field: Int) -> String {
            get { values[field - 2] }
            set { values[field - 2] = newValue }
        }
    }

    func deviceRow(_ w: inout ER7Writer, _ n: inout Int, code: UInt32?, refid: String?, path: String, eui64: String? = nil) {
        var f = OBXFields()
        f[3] = MDCTerms.cwe(code, refid ?? code.flatMap { MDCTerms.objects[$0] })
        f[4] = path
        f[11] = "X"
        if let eui64 { f[18] = ER7Writer.components([eui64, "", eui64, "EUI-64"]) }
        Self.obx(&w, &n, f.values)
    }

    // MARK: PCD-01

    /// A PCD-01 observation report: one device, one observation time, its numerics and pump
    /// channel states as an MDS → VMD → channel → metric tree (OBX-4), in dictionary order.
    ///
    /// Readings without an MDC code cannot be coded in OBX-3 and are left out (they stay in the feed).
    public func observationReport(controlID: String, created: Timestamp, device: DeviceIdentity, patient: UnboundPatient,
                                  observationTime: Timestamp, numerics: [NumericReading],
                                  pumpChannels: [PumpChannelState] = []) -> String {
        var w = ER7Writer()
        let pump = !pumpChannels.isEmpty
        let service = pump ? pumpService(pumpChannels) : "182777000^monitoring of patient^SCT"
        begin(&w, kind: .observation, controlID: controlID, created: created, device: device, patient: patient,
              serviceCode: service, observationTime: observationTime)
        var n = 0
        let mds = pump ? MDCTerms.pumpMDS : MDCTerms.monitorMDS
        deviceRow(&w, &n, code: mds.code, refid: mds.refid, path: "1.0.0.0", eui64: device.id)

        let coded = numerics.filter { $0.metric.code != nil }
        // Readings without containment sit directly under the MDS (`1.0.0.n`, anonymous VMD and channel).
        var flat = 0
        for r in coded where r.containment == nil {
            flat += 1
            metricRow(&w, &n, r, path: "1.0.0.\(flat)")
        }
        let placed = coded.filter { $0.containment != nil }
            .sorted { a, b in
                let x = a.containment!, y = b.containment!
                return (x.vmd, x.channel, x.metric) < (y.vmd, y.channel, y.metric)
            }
        guard pump else {
            placedRows(&w, &n, placed)
            return w.message
        }
        // A pump's readings of the infusion VMD and the channel states describe one tree: the
        // channel groups come from the channel states, and a reading that repeats a channel-state
        // parameter is sent once, from the state. Other VMDs keep dictionary order around it.
        let pumpVMD = MDCTerms.pumpVMDOrdinal
        placedRows(&w, &n, placed.filter { $0.containment!.vmd < pumpVMD })
        pumpRows(&w, &n, pumpChannels, readings: placed.filter { $0.containment!.vmd == pumpVMD })
        placedRows(&w, &n, placed.filter { $0.containment!.vmd > pumpVMD })
        return w.message
    }

    /// Readings with containment, already in dictionary order, under their VMD and channel rows.
    func placedRows(_ w: inout ER7Writer, _ n: inout Int, _ placed: [NumericReading]) {
        var lastVMD: UInt16?
        var lastChannel: (UInt16, UInt16)?
        for r in placed {
            let c = r.containment!
            if lastVMD != c.vmd {
                lastVMD = c.vmd
                deviceRow(&w, &n, code: c.vmdCode, refid: nil, path: "1.\(c.vmd).0.0")
            }
            if lastChannel.map({ $0 != (c.vmd, c.channel) }) ?? true {
                lastChannel = (c.vmd, c.channel)
                deviceRow(&w, &n, code: c.channelCode, refid: nil, path: "1.\(c.vmd).\(c.channel).0")
            }
            metricRow(&w, &n, r, path: c.path)
        }
    }

    func metricRow(_ w: inout ER7Writer, _ n: inout Int, _ r: NumericReading, path: String) {
        var f = OBXFields()
        let status = ObservationStatus(r.state, hasValue: r.value != nil)
        if let value = r.value, status.sendsValue {
            f[2] = "NM"
            f[5] = value.text
        }
        f[3] = MDCTerms.cwe(r.metric.code, r.metric.referenceID)
        f[4] = path
        if r.unitCode != nil || r.unit != nil || r.vendorUnit != nil {
            f[6] = MDCTerms.unit(code: r.unitCode, ucum: r.unit, vendorUnit: r.vendorUnit)
        }
        f[8] = status.abnormalFlag ?? ""
        f[11] = status.resultStatus
        if let t = r.deviceTime { f[14] = HL7Time.dtm(t) }
        if r.episodic {
            f[17] = r.mode == "manual" ? "MMEAS^manual-measurement^MDC" : "AMEAS^auto-measurement^MDC"
        }
        Self.obx(&w, &n, f.values)
    }

    // MARK: Pumps

    func pumpService(_ channels: [PumpChannelState]) -> String {
        // OBR-4 for pumps: the medication when known (as text, no drug-library code is known to
        // the bridge), else the "medication unknown" placeholder of the PCD examples.
        if let drug = channels.compactMap(\.drug).first { return "^" + ER7Writer.escaped(drug) }
        return "999999^Medication Unknown^99BB"
    }

    /// Pump rows: the pump VMD, then one fluid-source group per channel with the IPEC parameter set.
    /// Metric ordinals are fixed per parameter, so the same number always means the same metric.
    ///
    /// `readings` are the device's numerics placed in the pump VMD: one that repeats a parameter of
    /// its channel's state is left out (the state sends it, with its setting/calculation category);
    /// the others follow the parameter set in their channel, their ordinal moved past the fixed ones
    /// (`+ 100`) where it would collide. Readings of channels with no state get their own group.
    func pumpRows(_ w: inout ER7Writer, _ n: inout Int, _ channels: [PumpChannelState], readings: [NumericReading] = []) {
        deviceRow(&w, &n, code: MDCTerms.pumpVMD.code, refid: MDCTerms.pumpVMD.refid, path: "1.1.0.0")
        var states: [UInt16: PumpChannelState] = [:]
        for ch in channels { states[ch.containment?.channel ?? ch.channelIndex] = states[ch.containment?.channel ?? ch.channelIndex] ?? ch }
        var extras: [UInt16: [NumericReading]] = [:]
        for r in readings {
            let group = r.containment!.channel
            if let state = states[group], Self.stateParameters(of: state).contains(r.metric.code ?? 0) { continue }
            extras[group, default: []].append(r)
        }
        for group in Set(states.keys).union(extras.keys).sorted() {
            let base = "1.1.\(group)."
            if let ch = states[group] {
                stateRows(&w, &n, ch, base: base)
            } else {
                deviceRow(&w, &n, code: extras[group]?.first?.containment?.channelCode, refid: nil, path: base + "0")
            }
            let fixed = states[group] == nil ? 0 : Self.lastFixedOrdinal
            let placed = (extras[group] ?? []).map { r -> (UInt16, NumericReading) in
                let m = r.containment!.metric
                return (m <= fixed ? m + 100 : m, r)
            }
            for (ordinal, r) in placed.sorted(by: { $0.0 < $1.0 }) {
                metricRow(&w, &n, r, path: base + String(ordinal))
            }
        }
    }

    /// The highest metric ordinal of the fixed channel-state parameter set.
    static let lastFixedOrdinal: UInt16 = 9

    /// MDC codes a channel state sends (so a reading with the same code in its channel is not repeated).
    static func stateParameters(of ch: PumpChannelState) -> Set<UInt32> {
        var codes: Set<UInt32> = [184519]
        if ch.drug != nil { codes.insert(184514) }
        let present: [(Quantity?, UInt32)] = [
            (ch.programmedRate, 157784), (ch.volumeToBeInfused, 157884), (ch.volumeInfused, 157993),
            (ch.volumeRemaining, 157872), (ch.timeRemaining, 157916), (ch.doseRate, 157924), (ch.concentration, 157760),
        ]
        for (q, code) in present where q != nil { codes.insert(code) }
        return codes
    }

    /// One channel state: its fluid-source row, status, drug and the IPEC quantities.
    func stateRows(_ w: inout ER7Writer, _ n: inout Int, _ ch: PumpChannelState, base: String) {
        let secondary = ch.mode == .secondary
        deviceRow(&w, &n, code: secondary ? 70075 : 70071, refid: nil, path: base + "0")
        let t = ch.deviceTime.map(HL7Time.dtm) ?? ""
        var status = OBXFields()
        status[2] = "CWE"
        status[3] = MDCTerms.cwe(184519, "MDC_PUMP_INFUSING_STATUS")
        status[4] = base + "1"
        status[5] = ER7Writer.components([ch.status.rawValue, ch.status.rawValue, "99BBPS"])
        status[11] = "R"
        status[14] = t
        Self.obx(&w, &n, status.values)
        if let drug = ch.drug {
            var f = OBXFields()
            f[2] = "ST"
            f[3] = MDCTerms.cwe(184514, "MDC_DRUG_NAME_LABEL")
            f[4] = base + "2"
            f[5] = ER7Writer.escaped(drug)
            f[11] = "R"
            f[14] = t
            Self.obx(&w, &n, f.values)
        }
        let quantities: [(Quantity?, UInt32, String, String?, Int)] = [
            (ch.programmedRate, 157784, "MDC_FLOW_FLUID_PUMP", "MSET^manual-setting^MDC", 3),
            (ch.volumeToBeInfused, 157884, "MDC_VOL_FLUID_TBI", "MSET^manual-setting^MDC", 4),
            (ch.volumeInfused, 157993, "MDC_VOL_FLUID_DELIV_TOTAL", nil, 5),
            (ch.volumeRemaining, 157872, "MDC_VOL_FLUID_TBI_REMAIN", "ACALC^auto-calculation^MDC", 6),
            (ch.timeRemaining, 157916, "MDC_TIME_PD_REMAIN", "ACALC^auto-calculation^MDC", 7),
            (ch.doseRate, 157924, "MDC_RATE_DOSE", nil, 8),
            (ch.concentration, 157760, "MDC_CONC_DRUG", nil, 9),
        ]
        for (q, code, refid, category, ordinal) in quantities {
            guard let q else { continue }
            var f = OBXFields()
            f[2] = "NM"
            f[3] = MDCTerms.cwe(code, refid)
            f[4] = base + String(ordinal)
            f[5] = q.value.text
            f[6] = MDCTerms.unit(code: q.unitCode, ucum: q.unit, vendorUnit: q.vendorUnit)
            f[11] = "R"
            f[14] = t
            f[17] = category ?? ""
            Self.obx(&w, &n, f.values)
        }
    }
}

/// OBX-8 and OBX-11 from a reading's state (IHE PCD TF-2 Table B.8.5-6).
struct ObservationStatus {
    var abnormalFlag: String?
    var resultStatus: String
    /// Whether OBX-2/OBX-5 carry the number (not for results that "cannot be obtained", `X`).
    var sendsValue: Bool { resultStatus != "X" }

    init(_ state: MeasurementState, hasValue: Bool) {
        switch state {
        case .valid: (abnormalFlag, resultStatus) = (nil, "R")
        case .questionable: (abnormalFlag, resultStatus) = ("QUES", "R")
        case .demo: (abnormalFlag, resultStatus) = ("DEMO", "R")
        case .test: (abnormalFlag, resultStatus) = ("TEST", "R")
        case .calibrating: (abnormalFlag, resultStatus) = ("CAL", "R")
        case .invalid: (abnormalFlag, resultStatus) = ("INV", "X")
        case .absent, .stale, .underRange, .overRange: (abnormalFlag, resultStatus) = ("NAV", "X")
        }
        if !hasValue { resultStatus = "X" }
    }
}
