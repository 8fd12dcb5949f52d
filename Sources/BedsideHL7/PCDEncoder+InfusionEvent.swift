import BedsideModel

extension PCDEncoder {
    /// A PCD-10 infusion event report: the event as an MDS-level row (`MDC_ATTR_EVT_COND`, OBX-5 the
    /// IPEC event), then the affected channel with its parameter set (IHE PCD IPEC).
    ///
    /// `MDC_ATTR_EVT_COND` has no published context-free number (IPEC left it pending): OBX-3
    /// carries the REFID with an empty code. An event without an IPEC code goes as a local code.
    public func infusionEventReport(controlID: String, created: Timestamp, device: DeviceIdentity,
                                    patient: UnboundPatient, event: InfusionEvent) -> String {
        var w = ER7Writer()
        let channels = event.channel.map { [$0] } ?? []
        begin(&w, kind: .infusionEvent, controlID: controlID, created: created, device: device, patient: patient,
              serviceCode: pumpService(channels), observationTime: event.hostTime)
        var n = 0
        deviceRow(&w, &n, code: MDCTerms.pumpMDS.code, refid: MDCTerms.pumpMDS.refid, path: "1.0.0.0", eui64: device.id)
        var f = OBXFields()
        f[2] = "CWE"
        f[3] = "^MDC_ATTR_EVT_COND^MDC"
        f[4] = "1.0.0.1"
        if let e = event.event, e.code != nil || e.referenceID != nil {
            f[5] = MDCTerms.cwe(e.code, e.referenceID)
        } else {
            f[5] = ER7Writer.components([event.kind.rawValue, event.kind.rawValue, "99BBEVT"])
        }
        f[11] = "R"
        f[14] = event.deviceTime.map(HL7Time.dtm) ?? HL7Time.dtm(event.hostTime)
        Self.obx(&w, &n, f.values)
        if let channel = event.channel {
            // The fluid source the event is about, by its OBX-4 (IPEC MDC_ATTR_EVT_SOURCE).
            var source = OBXFields()
            source[2] = "ST"
            source[3] = "^MDC_ATTR_EVT_SOURCE^MDC"
            source[4] = "1.0.0.2"
            source[5] = "1.1.\(channel.containment?.channel ?? channel.channelIndex).0"
            source[11] = "R"
            Self.obx(&w, &n, source.values)
        }
        if let detail = event.detail {
            w.segment("NTE", ["1", "", ER7Writer.escaped(detail)])
        }
        if !channels.isEmpty { pumpRows(&w, &n, channels) }
        return w.message
    }
}
