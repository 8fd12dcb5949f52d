import BedsideDriver
import BedsideModel

/// How the simulated monitor answers the client.
extension IntelliVueSimulator {
    static let serverMTU: UInt32 = 996
    static let grantableOptions = Nomenclature.PollExtension.realtimeNumerics | Nomenclature.PollExtension.realtimeSampleArrays

    mutating func handle(_ message: [UInt8], now: Timestamp, into output: inout SimulatorOutput) {
        guard let first = message.first else { return }
        // Any client message keeps the association alive.
        touch(now)
        switch first {
        case Nomenclature.SPDU.connect:
            handleAssociationRequest(message, now: now, into: &output)
        case Nomenclature.SPDU.finish:
            // Without an association there is nothing to release and the request is ignored.
            if state.isAssociated { send(AssociationMessages.releaseResponse, now: now, into: &output) }
            state = .waitingForAssociation
        case Nomenclature.SPDU.abort:
            state = .waitingForAssociation
        case Nomenclature.SPDU.dataExport:
            handleDataExport(message, now: now, into: &output)
        default:
            break
        }
    }

    private mutating func touch(_ now: Timestamp) {
        switch state {
        case .waitingForAssociation: break
        case .confirmingMDSCreate(var s):
            s.association.timeoutAt = now.adding(nanoseconds: s.association.granted.associationTimeoutNanoseconds)
            state = .confirmingMDSCreate(s)
        case .associated(var a):
            a.timeoutAt = now.adding(nanoseconds: a.granted.associationTimeoutNanoseconds)
            state = .associated(a)
        }
    }

    private mutating func handleAssociationRequest(_ message: [UInt8], now: Timestamp, into output: inout SimulatorOutput) {
        guard !state.isAssociated, !misbehaviour.refuseAssociations,
              let requested = try? message.withUnsafeBytes({ try AssociationMessages.parsePollProfile($0) }),
              !requested.isServer
        else {
            send(AssociationMessages.refuse, now: now, into: &output)
            return
        }
        let granted = IntelliVuePollProfile(
            minimumPollPeriodTicks: requested.minimumPollPeriodTicks,
            maximumMTUReceive: min(requested.maximumMTUReceive, Self.serverMTU),
            maximumMTUTransmit: min(requested.maximumMTUReceive, Self.serverMTU),
            extensionOptions: requested.extensionOptions & Self.grantableOptions, isServer: true)
        send(AssociationMessages.associationResponse(granted), now: now, into: &output)
        let association = MonitorState.Association(granted: granted,
                                                   timeoutAt: now.adding(nanoseconds: granted.associationTimeoutNanoseconds))
        send(mdsCreateEvent(now), now: now, into: &output)
        state = .confirmingMDSCreate(.init(association: association, transmissions: 1,
                                           nextResend: now.adding(nanoseconds: 3_000_000_000)))
    }

    func mdsCreateEvent(_ now: Timestamp) -> [UInt8] {
        MonitorMessages.mdsCreate(invokeID: 1, relativeTime: relativeTime(now), attributes: mdsAttributes(now, full: false))
    }

    /// MDS attributes: identity and the time pair that anchors relative time.
    func mdsAttributes(_ now: Timestamp, full: Bool) -> MonitorMessages.AttributeListWriter {
        var a = MonitorMessages.AttributeListWriter()
        a.add(0x0986) { w in w.u16(1); w.u16(0x114d) }                           // SYS_TYPE: multi-parameter monitor
        a.add(Nomenclature.Attribute.idModel) { w in
            MonitorMessages.variableLabel(&w, "Philips"); MonitorMessages.variableLabel(&w, "M8000-SIM")
        }
        a.add(Nomenclature.Attribute.modeOperation) { w in w.u16(Nomenclature.OperatingMode.demo) }  // simulated: demo, never monitoring
        a.add(0x091e) { w in MonitorMessages.string(&w, "SIM1", padTo: 17) }    // bed label
        a.add(Nomenclature.Attribute.timeAbsolute) { w in w.append(IntelliVueTime.absoluteBytes(now)) }
        a.add(Nomenclature.Attribute.timeRelative) { w in w.u32(relativeTime(now)) }
        if full {
            a.add(Nomenclature.Attribute.idProductSpec) { w in
                var entries = PDUWriter()
                entries.u16(Nomenclature.ProductSpec.typeSerialNumber); entries.u16(0)
                MonitorMessages.variableLabel(&entries, "SIM0000001")
                entries.u16(Nomenclature.ProductSpec.typeSoftwareRevision)
                entries.u16(Nomenclature.ProductSpec.componentApplicationSoftware)
                MonitorMessages.variableLabel(&entries, "J.10.26-sim")
                w.u16(2); w.u16(UInt16(entries.bytes.count)); w.append(entries.bytes)
            }
        }
        return a
    }

    private mutating func handleDataExport(_ message: [UInt8], now: Timestamp, into output: inout SimulatorOutput) {
        guard let header = try? message.withUnsafeBytes({ try RemoteOperationHeader(parsing: $0) }) else { return }
        switch state {
        case .waitingForAssociation:
            return  // not associated: the monitor ignores data export
        case .confirmingMDSCreate(let s):
            if header.roType == Nomenclature.ROType.result && header.commandType == Nomenclature.Command.confirmedEventReport {
                state = .associated(s.association)
            }
            return
        case .associated(var a):
            guard header.roType == Nomenclature.ROType.invoke else { return }
            message.withUnsafeBytes { raw in
                answer(header, raw, association: &a, now: now, into: &output)
            }
            state = .associated(a)
        }
    }

    private mutating func answer(_ header: RemoteOperationHeader, _ raw: UnsafeRawBufferPointer,
                                 association a: inout MonitorState.Association, now: Timestamp, into output: inout SimulatorOutput) {
        var body = header.body(raw)
        switch header.commandType {
        case Nomenclature.Command.confirmedAction:
            guard (try? body.skip(10)) != nil, let action = try? body.u16(), var data = try? body.sub(Int(try body.u16())),
                  let pollNumber = try? data.u16(), (try? data.skip(2)) != nil, let objectClass = try? data.u16(),
                  let group = try? data.u16()
            else { send(MonitorMessages.error(invokeID: header.invokeID, errorValue: 15), now: now, into: &output); return }
            let extended = action == Nomenclature.Action.pollMDIBDataExtended
            guard action == Nomenclature.Action.pollMDIBData || extended else {
                send(MonitorMessages.error(invokeID: header.invokeID, errorValue: 9), now: now, into: &output); return
            }
            let periodicClasses = [Nomenclature.ObjectClass.numeric, Nomenclature.ObjectClass.alertMonitor, Nomenclature.ObjectClass.sampleArray]
            if extended {
                let wavesAllowed = objectClass != Nomenclature.ObjectClass.sampleArray || a.granted.grantsWaves
                guard a.granted.extensionOptions != 0, periodicClasses.contains(objectClass), wavesAllowed else {
                    send(MonitorMessages.error(invokeID: header.invokeID, errorValue: 15), now: now, into: &output); return
                }
                var period: UInt32?
                if let list = try? data.list() {
                    var r = list.body
                    for _ in 0..<list.count {
                        guard let id = try? r.u16(), let len = try? r.u16(), var v = try? r.sub(Int(len)) else { break }
                        if id == Nomenclature.Attribute.timePeriodPoll { period = try? v.u32() }
                    }
                }
                sendPoll(objectClass: objectClass, group: group, invokeID: header.invokeID, pollNumber: pollNumber,
                         sequence: 0, extended: true, association: a, now: now, into: &output)
                if let period {
                    let interval: Int64 = objectClass == Nomenclature.ObjectClass.sampleArray ? 256_000_000 : 1_000_000_000
                    // A renewed request restarts the sequence but keeps the periodic phase.
                    let phase = a.periodic[objectClass]?.nextReply ?? now.adding(nanoseconds: interval)
                    a.periodic[objectClass] = .init(invokeID: header.invokeID, pollNumber: pollNumber, attributeGroup: group,
                                                    sequence: 0,
                                                    activeUntil: now.adding(nanoseconds: Int64(period) * IntelliVueTime.nanosecondsPerTick),
                                                    nextReply: phase, interval: interval)
                }
            } else {
                sendPoll(objectClass: objectClass, group: group, invokeID: header.invokeID, pollNumber: pollNumber,
                         sequence: 0, extended: false, association: a, now: now, into: &output)
            }
        case Nomenclature.Command.confirmedSet:
            var attributes = MonitorMessages.AttributeListWriter()
            if (try? body.skip(10)) != nil, let mods = try? body.list() {
                var r = mods.body
                for _ in 0..<mods.count {
                    guard (try? r.skip(2)) != nil, let id = try? r.u16(), let len = try? r.u16(), var v = try? r.sub(Int(len)) else { break }
                    if id == Nomenclature.Attribute.pollRTSAPriorityList, let list = try? v.list() {
                        var labels: [UInt32] = []
                        var lr = list.body
                        for _ in 0..<list.count { if let l = try? lr.u32() { labels.append(l) } }
                        // Keep the labels this monitor has (ECG II, Pleth, CO₂): unknown ones are ignored.
                        a.wavePriorityList = labels.filter { [0x0002_0102, 0x0002_4bb4, 0x0002_50ac].contains($0) }
                        let kept = a.wavePriorityList
                        attributes.add(id) { w in w.u16(UInt16(kept.count)); w.u16(UInt16(4 * kept.count)); for l in kept { w.u32(l) } }
                    }
                }
            }
            send(MonitorMessages.setResult(invokeID: header.invokeID, attributes: attributes), now: now, into: &output)
        default:
            send(MonitorMessages.error(invokeID: header.invokeID, errorValue: 9), now: now, into: &output)
        }
    }

    mutating func sendPeriodicReplies(_ a: inout MonitorState.Association, now: Timestamp, into output: inout SimulatorOutput) {
        for objectClass in a.periodic.keys.sorted() {
            guard var p = a.periodic[objectClass] else { continue }
            while p.nextReply <= now {
                if p.nextReply > p.activeUntil { a.periodic[objectClass] = nil; break }
                p.sequence &+= 1
                sendPoll(objectClass: objectClass, group: p.attributeGroup, invokeID: p.invokeID, pollNumber: p.pollNumber,
                         sequence: p.sequence, extended: true, association: a, now: p.nextReply, into: &output)
                p.nextReply = p.nextReply.adding(nanoseconds: p.interval)
                a.periodic[objectClass] = p
            }
        }
    }

    private mutating func sendPoll(objectClass: UInt16, group: UInt16, invokeID: UInt16, pollNumber: UInt16, sequence: UInt16,
                                   extended: Bool, association a: MonitorState.Association, now: Timestamp,
                                   into output: inout SimulatorOutput) {
        let objects = polledObjects(objectClass: objectClass, group: group, association: a, now: now)
        let context: UInt16 = objectClass == Nomenclature.ObjectClass.mds ? 0 : 1
        let relTime: UInt32 = objectClass == Nomenclature.ObjectClass.sampleArray
            ? relativeTime(now) &- 2048 : relativeTime(now)  // waves: start of the 256 ms block
        for m in MonitorMessages.pollResult(invokeID: invokeID, extended: extended, pollNumber: pollNumber, sequence: sequence,
                                            relativeTime: relTime, objectClass: objectClass, attributeGroup: group,
                                            context: context, objects: objects, mtu: a.mtu) {
            send(m, now: now, into: &output)
        }
    }
}
