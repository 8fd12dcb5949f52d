/// Client → monitor data-export messages (ROSE/CMIP over session id 0xe100, presentation context 2).
enum DataExportRequests {
    static let presentationContext: UInt16 = 2
    /// The MDS every client request addresses: {NOM_MOC_VMS_MDS, context 0, handle 0}.
    static let mds: (UInt16, UInt16, UInt16) = (Nomenclature.ObjectClass.mds, 0, 0)

    /// Writes SPpdu and ROapdus headers, then `body`, patching both lengths.
    static func message(roType: UInt16, _ body: (inout PDUWriter) -> Void) -> [UInt8] {
        var w = PDUWriter(capacity: 64)
        w.u16(0xe100)
        w.u16(presentationContext)
        w.u16(roType)
        let roLength = w.lengthPlaceholder()
        body(&w)
        w.patchLength(at: roLength)
        return w.bytes
    }

    static func managedObject(_ w: inout PDUWriter, _ o: (UInt16, UInt16, UInt16)) {
        w.u16(o.0); w.u16(o.1); w.u16(o.2)
    }

    /// The mandatory reply to a confirmed event report (e.g. the MDS create event): mirrors the
    /// invoke id, the object and the event type.
    static func eventReportResult(invokeID: UInt16, object: (UInt16, UInt16, UInt16), currentTime: UInt32,
                                  eventType: UInt16) -> [UInt8] {
        message(roType: Nomenclature.ROType.result) { w in
            w.u16(invokeID)
            w.u16(Nomenclature.Command.confirmedEventReport)
            let len = w.lengthPlaceholder()
            managedObject(&w, object)
            w.u32(currentTime)
            w.u16(eventType)
            w.u16(0)
            w.patchLength(at: len)
        }
    }

    /// Single poll (NOM_ACT_POLL_MDIB_DATA) of one object class and attribute group.
    static func singlePoll(invokeID: UInt16, pollNumber: UInt16, objectClass: UInt16, attributeGroup: UInt16) -> [UInt8] {
        action(invokeID: invokeID, actionType: Nomenclature.Action.pollMDIBData) { w in
            w.u16(pollNumber)
            w.u16(Nomenclature.partitionObject); w.u16(objectClass)
            w.u16(attributeGroup)
        }
    }

    /// Extended poll (NOM_ACT_POLL_MDIB_DATA_EXT) with a periodic active period (RelativeTime ticks).
    static func extendedPoll(invokeID: UInt16, pollNumber: UInt16, objectClass: UInt16, attributeGroup: UInt16,
                             activePeriodTicks: UInt32) -> [UInt8] {
        action(invokeID: invokeID, actionType: Nomenclature.Action.pollMDIBDataExtended) { w in
            w.u16(pollNumber)
            w.u16(Nomenclature.partitionObject); w.u16(objectClass)
            w.u16(attributeGroup)
            w.u16(1); w.u16(8)
            w.u16(Nomenclature.Attribute.timePeriodPoll); w.u16(4); w.u32(activePeriodTicks)
        }
    }

    /// Confirmed Set of the real-time sample array priority list (which waves to export).
    static func setWavePriorityList(invokeID: UInt16, labels: [UInt32]) -> [UInt8] {
        message(roType: Nomenclature.ROType.invoke) { w in
            w.u16(invokeID)
            w.u16(Nomenclature.Command.confirmedSet)
            let len = w.lengthPlaceholder()
            managedObject(&w, mds)
            w.u32(0)                                         // scope
            w.u16(1)                                         // one modification
            let listLen = w.lengthPlaceholder()
            w.u16(0)                                         // REPLACE
            w.u16(Nomenclature.Attribute.pollRTSAPriorityList)
            w.u16(UInt16(4 + 4 * labels.count))
            w.u16(UInt16(labels.count)); w.u16(UInt16(4 * labels.count))
            for l in labels { w.u32(l) }
            w.patchLength(at: listLen)
            w.patchLength(at: len)
        }
    }

    private static func action(invokeID: UInt16, actionType: UInt16, _ data: (inout PDUWriter) -> Void) -> [UInt8] {
        message(roType: Nomenclature.ROType.invoke) { w in
            w.u16(invokeID)
            w.u16(Nomenclature.Command.confirmedAction)
            let len = w.lengthPlaceholder()
            managedObject(&w, mds)
            w.u32(0)                                         // scope
            w.u16(actionType)
            let dataLen = w.lengthPlaceholder()
            data(&w)
            w.patchLength(at: dataLen)
            w.patchLength(at: len)
        }
    }
}
