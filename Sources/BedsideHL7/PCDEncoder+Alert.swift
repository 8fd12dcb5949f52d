import BedsideModel

extension PCDEncoder {
    /// A PCD-04 alert report: one phase of one alarm, as the seven ACM facets (TF-2 B.8.5).
    ///
    /// - Parameters:
    ///   - alertID: this message's OBR-3 id (unique per message).
    ///   - firstAlertID: OBR-3 id of the alarm's first message; `nil` for the first one (a start).
    ///   - sourceContainment: where the alarm's metric sits in the device tree, when the bridge
    ///     has seen it on a numeric; the facets then hang below it, otherwise below the MDS.
    public func alertReport(controlID: String, alertID: String, firstAlertID: String?, created: Timestamp,
                            device: DeviceIdentity, patient: UnboundPatient, alarm: AlarmEvent,
                            sourceContainment: Containment?) -> String {
        var w = ER7Writer()
        let time = alarm.deviceTime?.instant ?? alarm.hostTime
        begin(&w, kind: .alert, controlID: controlID, created: created, device: device, patient: patient,
              serviceCode: "196616^MDC_EVT_ALARM^MDC", observationTime: alarm.hostTime,
              alertParent: firstAlertID, alertID: alertID)
        let base = sourceContainment.map { "1.\($0.vmd).\($0.channel).\($0.metric)" } ?? "1.0.0.0"
        let when = alarm.deviceTime.map(HL7Time.dtm) ?? HL7Time.dtm(time)
        var n = 0
        let physiological = alarm.category == .physiological

        // Facet 1: the event.
        var event = OBXFields()
        event[4] = base + ".1"
        if physiological, let code = alarm.event?.code {
            event[2] = "ST"
            event[3] = MDCTerms.cwe(code, alarm.event?.referenceID)
            event[5] = ER7Writer.escaped(alarm.text)
        } else {
            event[2] = "CWE"
            event[3] = "196616^MDC_EVT_ALARM^MDC"
            if let e = alarm.event, let code = e.code {
                event[5] = ER7Writer.components([String(code), e.referenceID.map(ER7Writer.escaped) ?? "", "MDC"])
            } else {
                event[5] = "^" + ER7Writer.escaped(alarm.text)
            }
        }
        switch alarm.event?.referenceID {
        case "MDC_EVT_LO": event[8] = "L"
        case "MDC_EVT_HI": event[8] = "H"
        default: if !physiological { event[8] = alarm.category == .advisory ? "SA" : "ST" }
        }
        event[11] = "F"
        event[14] = when
        if let id = device.id { event[18] = ER7Writer.components([id, "", id, "EUI-64"]) }
        Self.obx(&w, &n, event.values)

        // Facet 2: the source — the measurement with its value and limits, or the device.
        var source = OBXFields()
        source[4] = base + ".2"
        source[11] = "F"
        source[14] = when
        if physiological, let metric = alarm.metric, let code = metric.code {
            source[3] = MDCTerms.cwe(code, metric.referenceID)
            if let value = alarm.value {
                source[2] = "NM"
                source[5] = value.value.text
                source[6] = MDCTerms.unit(code: value.unitCode, ucum: value.unit, vendorUnit: value.vendorUnit)
            }
            if alarm.lowerLimit != nil || alarm.upperLimit != nil {
                source[7] = (alarm.lowerLimit?.text ?? "") + "-" + (alarm.upperLimit?.text ?? "")
            }
        } else {
            source[2] = "CWE"
            source[3] = "68480^MDC_ATTR_ALERT_SOURCE^MDC"
            source[5] = MDCTerms.cwe(MDCTerms.monitorMDS.code, MDCTerms.monitorMDS.refid)
        }
        Self.obx(&w, &n, source.values)

        // Facets 3–7: phase, state, inactivation, priority, type.
        let phase: String = switch alarm.phase {
        case .start: "start"
        case .update: "update"
        case .end: "end"
        }
        let state = alarm.phase == .end ? "inactive" : (alarm.flags.contains(.latched) ? "latched" : "active")
        var inactivation: [String] = []
        if alarm.flags.contains(.silenced) { inactivation.append("audio-paused") }
        if alarm.flags.contains(.inhibited) { inactivation.append("alarm-off") }
        if alarm.flags.contains(.acknowledged) { inactivation.append("alert-acknowledged") }
        if inactivation.isEmpty { inactivation = ["enabled"] }
        // Unknown priority or type are sent empty, not guessed.
        let priority: String = switch alarm.priority {
        case .high: "PH"
        case .medium: "PM"
        case .low: "PL"
        case .none: "PN"
        case .unknown: ""
        }
        let type: String = switch alarm.category {
        case .physiological: "SP"
        case .technical: "ST"
        case .advisory: "SA"
        case .unknown: ""
        }
        let facets: [(String, String, String)] = [
            ("68481^MDC_ATTR_EVENT_PHASE^MDC", phase, "3"),
            ("68482^MDC_ATTR_ALARM_STATE^MDC", state, "4"),
            ("68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC", inactivation.joined(separator: "~"), "5"),
            ("68484^MDC_ATTR_ALARM_PRIORITY^MDC", priority, "6"),
            ("68485^MDC_ATTR_ALERT_TYPE^MDC", type, "7"),
        ]
        for (code, value, facet) in facets {
            var f = OBXFields()
            f[2] = "ST"
            f[3] = code
            f[4] = base + "." + facet
            f[5] = value
            f[11] = "F"
            Self.obx(&w, &n, f.values)
        }
        return w.message
    }
}
