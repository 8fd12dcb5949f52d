import BedsideDriver
import BedsideModel

/// Association control: stale release, association request/response, refuse, release, abort,
/// silence, and the timers that drive them.
extension IntelliVueDriver {
    /// Starts (or restarts) associating. `releaseFirst` sends a Release Request to clear an
    /// association an earlier run may have left on this connectionless serial link.
    mutating func beginAssociation(now: Timestamp, releaseFirst: Bool, into output: inout DriverOutput) {
        resetSessionData(now: now, into: &output)
        if releaseFirst {
            send(AssociationMessages.releaseRequest, into: &output)
            output.count("release.stale-sent")
            session = .releasingStale(.init(until: now.adding(nanoseconds: timing.staleReleaseWait)))
        } else {
            session = .associating(.init(attempts: 0, nextAttempt: now.adding(nanoseconds: timing.reassociationHoldOff)))
        }
    }

    mutating func sendAssociationRequest(now: Timestamp, attempts: Int, warned: Bool, releasedAfter: Int = -1,
                                         into output: inout DriverOutput) {
        send(AssociationMessages.associationRequest(proposedProfile), into: &output)
        output.count("association.requests-sent")
        if attempts == 0 {
            link(.requesting, "association request sent (115200 8N1)", now: now, into: &output)
        }
        var state = SessionState.Associating(attempts: attempts + 1, nextAttempt: now.adding(nanoseconds: timing.associationRetry),
                                             warned: warned, releasedAfter: releasedAfter)
        if state.attempts >= timing.associationAttemptsBeforeWarning && !warned {
            state.warned = true
            link(.error, "no association response after \(state.attempts) requests: check that the monitor's MIB/RS232 port is set to Data Out (DtOut1, fixed 115200, DCC mode), the cable (monitor pin 5 → host RxD, pin 7 → host TxD, pin 4 → GND) and that the tty is raw; retrying", now: now, into: &output)
        }
        session = .associating(state)
    }

    /// Forgets the session. Alarms still open are ended: a new association starts with unknown
    /// alarm state, and the monitor's next list is the only truth about what is active.
    mutating func resetSessionData(now: Timestamp, into output: inout DriverOutput) {
        linked.reset()
        decoder.alarms.endAll(reason: "association with the monitor ended; its alarm state is unknown until the next alarm list",
                              hostTime: now, into: &output.observations)
        decoder.forgetEpisodes()
        outstanding.removeAll()
        nextInvokeID = 1
        nextPollNumber = 1
    }

    /// Runs whatever is due at `now` and sets the next deadline.
    mutating func service(now: Timestamp, into output: inout DriverOutput) {
        switch session {
        case .idle, .stopped:
            output.nextDeadline = nil
        case .listening(var s):
            let silentAt = (lastReceive ?? now).adding(nanoseconds: timing.silenceTimeout)
            if let last = lastReceive, !s.silent, now >= last.adding(nanoseconds: timing.silenceTimeout) {
                s.silent = true
                link(.silent, "no frames from the monitor for \(timing.silenceTimeout / 1_000_000_000) s (listen-only)", now: now, into: &output)
                decoder.alarms.endAll(reason: "link silent: no frames from the monitor", hostTime: now, into: &output.observations)
            }
            session = .listening(s)
            output.nextDeadline = s.silent ? nil : silentAt
        case .releasingStale(let s):
            if now >= s.until {
                sendAssociationRequest(now: now, attempts: 0, warned: false, into: &output)
                service(now: now, into: &output)
            } else {
                output.nextDeadline = s.until
            }
        case .associating(let s):
            if now >= s.nextAttempt {
                if s.attempts > 0 && s.attempts % timing.associationAttemptsBeforeWarning == 0 && s.releasedAfter != s.attempts {
                    // The monitor may hold a stale association: release it before trying again.
                    send(AssociationMessages.releaseRequest, into: &output)
                    output.count("release.stale-sent")
                    var next = s
                    next.releasedAfter = s.attempts
                    next.nextAttempt = now.adding(nanoseconds: timing.staleReleaseWait)
                    session = .associating(next)
                    output.nextDeadline = next.nextAttempt
                } else {
                    sendAssociationRequest(now: now, attempts: s.attempts, warned: s.warned, releasedAfter: s.releasedAfter,
                                           into: &output)
                    if case .associating(let n) = session { output.nextDeadline = n.nextAttempt }
                }
            } else {
                output.nextDeadline = s.nextAttempt
            }
        case .awaitingMDSCreate(let s):
            if now >= s.deadline {
                link(.silent, "association accepted but no MDS Create Event within \(timing.mdsCreateWait / 1_000_000_000) s; re-associating", now: now, into: &output)
                beginAssociation(now: now, releaseFirst: true, into: &output)
                service(now: now, into: &output)
            } else {
                output.nextDeadline = s.deadline
            }
        case .associated(var s):
            if let last = lastReceive, now >= last.adding(nanoseconds: timing.silenceTimeout) {
                link(.silent, "no frames from the monitor for \(timing.silenceTimeout / 1_000_000_000) s (cable pulled, monitor restarted or association lost); releasing and re-associating", now: now, into: &output)
                output.count(.silences)
                beginAssociation(now: now, releaseFirst: true, into: &output)
                service(now: now, into: &output)
                return
            }
            let deadline = runPollPlan(&s, now: now, into: &output)
            session = .associated(s)
            let silence = (lastReceive ?? now).adding(nanoseconds: timing.silenceTimeout)
            output.nextDeadline = min(deadline, silence)
        case .releasing(let s):
            if now >= s.nextResend {
                if s.attempts < timing.releaseAttempts {
                    send(AssociationMessages.releaseRequest, into: &output)
                    output.count("release.sent")
                    let next = now.adding(nanoseconds: timing.releaseResend)
                    session = .releasing(.init(attempts: s.attempts + 1, nextResend: next))
                    output.nextDeadline = next
                } else {
                    output.count("release.unconfirmed")
                    session = .stopped
                    output.nextDeadline = nil
                }
            } else {
                output.nextDeadline = s.nextResend
            }
        }
    }

    /// Association-control messages (first byte is the session SPDU type).
    mutating func handleSessionMessage(_ message: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        let type = message[0]
        switch type {
        case Nomenclature.SPDU.accept:
            let profile: IntelliVuePollProfile
            do { profile = try AssociationMessages.parsePollProfile(message) } catch {
                output.count(.malformedFrames)
                link(.error, "unreadable association response (\(error)); re-associating", now: now, into: &output)
                return
            }
            output.count("association.accepted")
            let detail = "association accepted: poll options 0x\(hex(profile.extensionOptions)), MTU \(profile.maximumMTUTransmit)"
                + (configuration.waveformsEnabled && !profile.grantsWaves ? "; the monitor did not grant waves" : "")
            switch session {
            case .listening:
                link(.connected, detail + " (listen-only)", now: now, into: &output)
                decoder.alarms.endAll(reason: "the monitor started a new association", hostTime: now, into: &output.observations)
            case .associating, .releasingStale:
                link(.connected, detail, now: now, into: &output)
                session = .awaitingMDSCreate(.init(profile: profile, deadline: now.adding(nanoseconds: timing.mdsCreateWait)))
            default:
                output.count("association.unexpected-responses")
            }
        case Nomenclature.SPDU.refuse:
            output.count("association.refused")
            switch session {
            case .listening:
                link(.disconnected, "monitor refused an association (listen-only)", now: now, into: &output)
            case .releasing, .stopped, .idle:
                break
            case .associated, .awaitingMDSCreate:
                // A resent request (its answer was late) refused because the association it asked
                // for exists: it is this one, and the monitor goes on with it.
                output.count("association.duplicate-refused")
            default:
                link(.disconnected, "monitor refused the association: another client (or a stale association of an earlier run) holds it; releasing and retrying", now: now, into: &output)
                beginAssociation(now: now, releaseFirst: true, into: &output)
            }
        case Nomenclature.SPDU.abort:
            output.count("association.aborted")
            switch session {
            case .listening:
                link(.disconnected, "monitor aborted the association (listen-only)", now: now, into: &output)
                decoder.alarms.endAll(reason: "association aborted", hostTime: now, into: &output.observations)
            case .releasing:
                session = .stopped
            case .stopped, .idle:
                break
            default:
                link(.disconnected, "monitor aborted the association (usually its association timeout expired or a confirmation was missing); re-associating", now: now, into: &output)
                beginAssociation(now: now, releaseFirst: false, into: &output)
            }
        case Nomenclature.SPDU.finish:
            output.count("release.received")
            switch session {
            case .listening:
                link(.disconnected, "release request seen (listen-only)", now: now, into: &output)
                decoder.alarms.endAll(reason: "association released", hostTime: now, into: &output.observations)
            case .stopped, .idle:
                break
            default:
                send(AssociationMessages.releaseResponse, into: &output)
                if case .releasing = session { session = .stopped; return }
                link(.disconnected, "monitor released the association; re-associating", now: now, into: &output)
                beginAssociation(now: now, releaseFirst: false, into: &output)
            }
        case Nomenclature.SPDU.disconnect:
            output.count("release.responses-received")
            switch session {
            case .releasing:
                output.count("release.confirmed")
                session = .stopped
            case .releasingStale:
                // The stale association is gone: associate right away.
                sendAssociationRequest(now: now, attempts: 0, warned: false, into: &output)
            case .listening:
                link(.disconnected, "release response seen (listen-only)", now: now, into: &output)
            case .associated, .awaitingMDSCreate:
                link(.disconnected, "monitor ended the association; re-associating", now: now, into: &output)
                beginAssociation(now: now, releaseFirst: false, into: &output)
            default:
                break
            }
        case Nomenclature.SPDU.connect:
            output.count("association.requests-seen")  // our own request echoed, or another client on the line
        default:
            output.count("messages.unknown")
        }
    }
}
