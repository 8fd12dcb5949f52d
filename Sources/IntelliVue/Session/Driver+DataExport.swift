import BedsideDriver
import BedsideModel

/// Data-export messages: the MDS Create Event, poll results (single, extended, linked), errors.
extension IntelliVueDriver {
    mutating func handleMessage(_ message: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        guard !message.isEmpty else { output.count(.malformedFrames); return }
        if case .listening(var s) = session, s.silent {
            s.silent = false
            session = .listening(s)
            link(.connected, "frames from the monitor again (listen-only)", now: now, into: &output)
        }
        guard message[0] == Nomenclature.SPDU.dataExport else {
            handleSessionMessage(message, now: now, into: &output)
            return
        }
        do {
            let header = try RemoteOperationHeader(parsing: message)
            switch header.roType {
            case Nomenclature.ROType.invoke:
                try handleInvoke(header, message, now: now, into: &output)
            case Nomenclature.ROType.result, Nomenclature.ROType.linkedResult:
                try handleResult(header, message, now: now, into: &output)
            case Nomenclature.ROType.error:
                handleError(header, now: now, into: &output)
            default:
                output.count("messages.unknown")
            }
        } catch {
            output.count(.malformedFrames)
        }
    }

    /// Monitor-initiated operations: event reports (the MDS Create Event must be confirmed).
    private mutating func handleInvoke(_ header: RemoteOperationHeader, _ message: UnsafeRawBufferPointer, now: Timestamp,
                                       into output: inout DriverOutput) throws(IntelliVuePDUError) {
        guard header.commandType == Nomenclature.Command.eventReport
            || header.commandType == Nomenclature.Command.confirmedEventReport else {
            output.count("messages.unknown")
            return
        }
        var body = header.body(message)
        let objectClass = try body.u16(), objectContext = try body.u16(), objectHandle = try body.u16()
        _ = try body.u32()  // event time
        let eventType = try body.u16()
        var data = try body.sub(Int(try body.u16()))
        guard body.isAtEnd else { throw .inconsistentLength(what: "event report", at: body.offset) }
        if header.commandType == Nomenclature.Command.confirmedEventReport {
            switch session {
            case .releasing, .stopped, .idle: break
            default:
                send(DataExportRequests.eventReportResult(invokeID: header.invokeID, object: (objectClass, objectContext, objectHandle),
                                                          currentTime: 0, eventType: eventType), into: &output)
            }
        }
        guard eventType == Nomenclature.Event.mdsCreate else { output.count("events.other"); return }
        output.count("events.mds-create")
        try data.skip(6)  // MdsCreateInfo.managed_object
        let attributes = try data.list()
        guard data.isAtEnd else { throw .inconsistentLength(what: "MDS create info", at: data.offset) }
        let facts = try MDSFacts(attributes: attributes.body, count: attributes.count)
        if let a = facts.absoluteTime, let r = facts.relativeTime {
            decoder.anchor = DeviceClockAnchor(absolute: a, relative: r)
            output.count("clock.anchors")
        }
        if let id = facts.identity { output.identity = id }
        decoder.lastMDS = facts
        if let mode = facts.operatingMode { decoder.monitorInDemoMode = mode == Nomenclature.OperatingMode.demo }
        if facts.operatingMode == Nomenclature.OperatingMode.demo {
            link(.error, "the monitor is in DEMO mode: its values are simulated (readings are marked demo); switch the monitor to monitoring mode for patient data", now: now, into: &output)
        }
        switch session {
        case .awaitingMDSCreate(let s):
            enterAssociated(profile: s.profile, now: now, into: &output)
        case .associating, .releasingStale:
            // The association response was lost but the monitor is associated with us.
            link(.connected, "MDS create received (association response not seen)", now: now, into: &output)
            enterAssociated(profile: proposedProfile, now: now, into: &output)
        default:
            break
        }
    }

    private mutating func enterAssociated(profile: IntelliVuePollProfile, now: Timestamp, into output: inout DriverOutput) {
        let waves = configuration.waveformsEnabled && profile.grantsWaves
        output.count(.sessionsStarted)
        session = .associated(.init(profile: profile, plan: PollPlan(now: now, waves: waves, demographics: decoder.demographicsEnabled)))
    }

    private mutating func handleResult(_ header: RemoteOperationHeader, _ message: UnsafeRawBufferPointer, now: Timestamp,
                                       into output: inout DriverOutput) throws(IntelliVuePDUError) {
        let isLinked = header.roType == Nomenclature.ROType.linkedResult
        if !isLinked { outstanding[header.invokeID] = nil }
        switch header.commandType {
        case Nomenclature.Command.confirmedAction:
            if session.isBetweenAssociations {
                // An answer to a poll of an association the driver has ended or reported `disconnected`:
                // forwarding it would put values between that and the next `connected`. Counted;
                // the next association polls them again.
                output.count("polls.results-after-disconnect")
                return
            }
            let poll = try PollReplyHeader(parsing: header.body(message))
            try PollResultDecoder.validate(poll)
            output.count("polls.results")
            let isAlerts = poll.objectClass == Nomenclature.ObjectClass.alertMonitor
            let chainWasOpen = linked.isOpen(header.invokeID)
            if isLinked {
                output.count("polls.linked-parts")
                if linked.part(invokeID: header.invokeID, state: header.linkedState, count: header.linkedCount) == .broken {
                    output.count("polls.linked-chains-broken")
                }
                if isAlerts && header.linkedState == Nomenclature.LinkedState.first { decoder.alarms.begin() }
            } else if isAlerts && !chainWasOpen {
                decoder.alarms.begin()
            }
            decoder.decode(poll, hostTime: now, into: &output)
            if !isLinked {
                switch linked.result(invokeID: header.invokeID) {
                case .completed: output.count("polls.linked-chains-completed")
                case .broken: output.count("polls.linked-chains-broken")
                default: break
                }
                if isAlerts {
                    decoder.alarms.commit(deviceTime: decoder.deviceTime(relative: poll.relativeTime), hostTime: now,
                                          into: &output.observations)
                }
            }
        case Nomenclature.Command.confirmedSet, Nomenclature.Command.set:
            output.count("polls.set-results")
        default:
            output.count("polls.other-results")
        }
    }

    private mutating func handleError(_ header: RemoteOperationHeader, now: Timestamp, into output: inout DriverOutput) {
        output.count("polls.error-results")
        let task = outstanding.removeValue(forKey: header.invokeID)
        let what = task.map { "\($0) request" } ?? "request \(header.invokeID)"
        var detail = "monitor answered \(what) with \(RemoteOperationHeader.errorName(header.errorValue))"
        if case .associated(var s) = session, let task, task != .keepAlive {
            s.plan.due[task] = now.adding(nanoseconds: timing.errorRetry)
            session = .associated(s)
            detail += "; retrying in \(timing.errorRetry / 1_000_000_000) s"
        } else {
            detail += " (a poll sent while the monitor was still busy, or an object that went away; the next poll repeats it)"
        }
        link(.error, detail, now: now, into: &output)
    }

    /// Sends every due request the pacing rules allow; returns when the plan next needs a tick.
    mutating func runPollPlan(_ s: inout SessionState.Associated, now: Timestamp, into output: inout DriverOutput) -> Timestamp {
        var blockedUntil: Timestamp?
        for task in PollPlan.Task.allCases {
            let dueAt = task == .keepAlive ? s.plan.keepAliveDue(timing) : s.plan.due[task]
            guard let dueAt, dueAt <= now else { continue }
            if now.nanoseconds(since: s.plan.windowStart) >= timing.frameWindow {
                s.plan.windowStart = now
                s.plan.framesInWindow = 0
            }
            guard s.plan.framesInWindow < timing.framesPerWindow else {
                blockedUntil = s.plan.windowStart.adding(nanoseconds: timing.frameWindow)
                break
            }
            if let cls = task.objectClass, let last = s.plan.lastPollOfClass[cls],
               now.nanoseconds(since: last) < timing.perClassPollSpacing {
                let later = last.adding(nanoseconds: timing.perClassPollSpacing)
                if task != .keepAlive { s.plan.due[task] = later } else { s.plan.lastTransmit = later.adding(nanoseconds: -timing.keepAliveInterval) }
                continue
            }
            sendTask(task, profile: s.profile, now: now, into: &output)
            s.plan.framesInWindow += 1
            s.plan.lastTransmit = now
            if let cls = task.objectClass { s.plan.lastPollOfClass[cls] = now }
            switch task {
            case .numerics, .alerts, .waves: s.plan.due[task] = now.adding(nanoseconds: timing.pollRenewal)
            case .mds: s.plan.due[task] = now.adding(nanoseconds: timing.mdsPollInterval)
            case .demographics: s.plan.due[task] = now.adding(nanoseconds: timing.demographicsPollInterval)
            case .waveList: s.plan.due[task] = nil
            case .keepAlive: break
            }
        }
        let next = s.plan.nextDue(timing)
        return blockedUntil.map { min($0, next) } ?? max(next, now)
    }

    private mutating func sendTask(_ task: PollPlan.Task, profile: IntelliVuePollProfile, now: Timestamp,
                                   into output: inout DriverOutput) {
        let invoke = takeInvokeID()
        let ticks = timing.pollActivePeriodTicks
        let message: [UInt8]
        switch task {
        case .numerics:
            message = DataExportRequests.extendedPoll(invokeID: invoke, pollNumber: takePollNumber(), objectClass: Nomenclature.ObjectClass.numeric,
                                                      attributeGroup: Nomenclature.AttributeGroup.all, activePeriodTicks: ticks)
        case .alerts:
            message = DataExportRequests.extendedPoll(invokeID: invoke, pollNumber: takePollNumber(), objectClass: Nomenclature.ObjectClass.alertMonitor,
                                                      attributeGroup: Nomenclature.AttributeGroup.alertMonitor, activePeriodTicks: ticks)
        case .waves:
            message = DataExportRequests.extendedPoll(invokeID: invoke, pollNumber: takePollNumber(), objectClass: Nomenclature.ObjectClass.sampleArray,
                                                      attributeGroup: Nomenclature.AttributeGroup.all, activePeriodTicks: ticks)
        case .waveList:
            message = DataExportRequests.setWavePriorityList(invokeID: invoke, labels: Self.waveLabels)
        case .mds:
            message = DataExportRequests.singlePoll(invokeID: invoke, pollNumber: takePollNumber(), objectClass: Nomenclature.ObjectClass.mds,
                                                    attributeGroup: Nomenclature.AttributeGroup.all)
        case .demographics:
            message = DataExportRequests.singlePoll(invokeID: invoke, pollNumber: takePollNumber(),
                                                    objectClass: Nomenclature.ObjectClass.patientDemographics,
                                                    attributeGroup: Nomenclature.AttributeGroup.all)
        case .keepAlive:
            message = DataExportRequests.singlePoll(invokeID: invoke, pollNumber: takePollNumber(), objectClass: Nomenclature.ObjectClass.alertMonitor,
                                                    attributeGroup: Nomenclature.AttributeGroup.vmoStatic)
            output.count("requests.keep-alives")
        }
        outstanding[invoke] = task
        if outstanding.count > 64 { outstanding.removeAll() }  // answers lost on the line must not accumulate
        send(message, into: &output)
    }
}
