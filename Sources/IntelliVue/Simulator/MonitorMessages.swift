/// Monitor → client data-export messages, built by the simulator.
enum MonitorMessages {
    /// One object of a poll result: its handle and attribute list.
    struct PolledObject {
        var handle: UInt16
        var attributes = AttributeListWriter()
    }

    /// Builds an AttributeList (count, length, AVAs).
    struct AttributeListWriter {
        var count = 0
        var bytes: [UInt8] = []

        mutating func add(_ id: UInt16, _ value: (inout PDUWriter) -> Void) {
            var w = PDUWriter(capacity: 16)
            value(&w)
            var head = PDUWriter(capacity: 4)
            head.u16(id); head.u16(UInt16(w.bytes.count))
            bytes += head.bytes + w.bytes
            count += 1
        }

        func write(into w: inout PDUWriter) {
            w.u16(UInt16(count)); w.u16(UInt16(bytes.count)); w.append(bytes)
        }
    }

    /// The Abort the monitor sends when the association times out.
    static let abort = AssociationMessages.abort

    /// Confirmed MDS Create Event Report.
    static func mdsCreate(invokeID: UInt16, relativeTime: UInt32, attributes: AttributeListWriter) -> [UInt8] {
        DataExportRequests.message(roType: Nomenclature.ROType.invoke) { w in
            w.u16(invokeID)
            w.u16(Nomenclature.Command.confirmedEventReport)
            let len = w.lengthPlaceholder()
            DataExportRequests.managedObject(&w, DataExportRequests.mds)
            w.u32(relativeTime)
            w.u16(Nomenclature.Event.mdsCreate)
            let dataLen = w.lengthPlaceholder()
            DataExportRequests.managedObject(&w, DataExportRequests.mds)
            attributes.write(into: &w)
            w.patchLength(at: dataLen)
            w.patchLength(at: len)
        }
    }

    static func error(invokeID: UInt16, errorValue: UInt16) -> [UInt8] {
        DataExportRequests.message(roType: Nomenclature.ROType.error) { w in
            w.u16(invokeID); w.u16(errorValue); w.u16(0)
        }
    }

    static func setResult(invokeID: UInt16, attributes: AttributeListWriter) -> [UInt8] {
        DataExportRequests.message(roType: Nomenclature.ROType.result) { w in
            w.u16(invokeID)
            w.u16(Nomenclature.Command.confirmedSet)
            let len = w.lengthPlaceholder()
            DataExportRequests.managedObject(&w, DataExportRequests.mds)
            attributes.write(into: &w)
            w.patchLength(at: len)
        }
    }

    /// A poll result in as many messages as the MTU needs: one RORS when it fits, otherwise linked
    /// results FIRST … LAST followed by one RORS with an empty list, as the monitor does.
    static func pollResult(invokeID: UInt16, extended: Bool, pollNumber: UInt16, sequence: UInt16, relativeTime: UInt32,
                           objectClass: UInt16, attributeGroup: UInt16, context: UInt16, objects: [PolledObject],
                           mtu: Int) -> [[UInt8]] {
        let headerBytes = 10 + (extended ? 22 : 20) + 4 + 6  // ActionResult + reply header + PollInfoList + context poll
        let capacity = max(64, mtu - headerBytes)
        var parts: [[PolledObject]] = [[]]
        var used = 0
        for o in objects {
            let size = 2 + 4 + o.attributes.bytes.count
            if used + size > capacity && !parts[parts.count - 1].isEmpty {
                parts.append([])
                used = 0
            }
            parts[parts.count - 1].append(o)
            used += size
        }
        func body(_ objs: [PolledObject], _ w: inout PDUWriter) {
            DataExportRequests.managedObject(&w, DataExportRequests.mds)
            w.u16(extended ? Nomenclature.Action.pollMDIBDataExtended : Nomenclature.Action.pollMDIBData)
            let len = w.lengthPlaceholder()
            w.u16(pollNumber)
            if extended { w.u16(sequence) }
            w.u32(relativeTime)
            for _ in 0..<8 { w.u8(0xff) }                     // absolute time: not supported in poll results
            w.u16(Nomenclature.partitionObject); w.u16(objectClass)
            w.u16(attributeGroup)
            if objs.isEmpty && parts.count > 1 {
                w.u16(0); w.u16(0)
            } else {
                w.u16(1)
                let listLen = w.lengthPlaceholder()
                w.u16(context)
                w.u16(UInt16(objs.count))
                let objLen = w.lengthPlaceholder()
                for o in objs { w.u16(o.handle); o.attributes.write(into: &w) }
                w.patchLength(at: objLen)
                w.patchLength(at: listLen)
            }
            w.patchLength(at: len)
        }
        if parts.count == 1 {
            return [DataExportRequests.message(roType: Nomenclature.ROType.result) { w in
                w.u16(invokeID); w.u16(Nomenclature.Command.confirmedAction)
                let len = w.lengthPlaceholder(); body(parts[0], &w); w.patchLength(at: len)
            }]
        }
        var out: [[UInt8]] = []
        for (i, objs) in parts.enumerated() {
            out.append(DataExportRequests.message(roType: Nomenclature.ROType.linkedResult) { w in
                w.u8(i == 0 ? Nomenclature.LinkedState.first
                     : (i == parts.count - 1 ? Nomenclature.LinkedState.last : Nomenclature.LinkedState.notFirstNotLast))
                w.u8(UInt8(truncatingIfNeeded: i + 1))
                w.u16(invokeID); w.u16(Nomenclature.Command.confirmedAction)
                let len = w.lengthPlaceholder(); body(objs, &w); w.patchLength(at: len)
            })
        }
        out.append(DataExportRequests.message(roType: Nomenclature.ROType.result) { w in
            w.u16(invokeID); w.u16(Nomenclature.Command.confirmedAction)
            let len = w.lengthPlaceholder(); body([], &w); w.patchLength(at: len)
        })
        return out
    }

    // MARK: attribute values

    static func float(_ w: inout PDUWriter, mantissa: Int, exponent: Int8 = 0) {
        w.u32(IntelliVueFloat.bits(mantissa: Int32(mantissa), exponent: exponent))
    }

    static func numericValue(_ w: inout PDUWriter, physio: UInt16, state: UInt16, unit: UInt16, mantissa: Int?, exponent: Int8 = 0) {
        w.u16(physio); w.u16(state); w.u16(unit)
        if let mantissa { float(&w, mantissa: mantissa, exponent: exponent) } else { w.u32(IntelliVueFloat.notANumberBits) }
    }

    static func string(_ w: inout PDUWriter, _ s: String, padTo chars: Int) {
        var units = Array(s.utf16.prefix(chars))
        while units.count < chars { units.append(0) }
        w.u16(UInt16(units.count * 2))
        for u in units { w.u16(u) }
    }

    static func variableLabel(_ w: inout PDUWriter, _ s: String) {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(0) }
        w.u16(UInt16(b.count)); w.append(b)
    }
}
