import BedsideDriver
import BedsideModel

/// What the driver asks of the monitor, fixed for a session.
struct GEDatexSessionPlan: Sendable {
    var transmit: Bool
    var intervalSeconds: Int
    var classes: GEDatexClassSet
    /// Waveform ids to request (empty = none).
    var waveIDs: [UInt8]
    /// Whether to ask for alarm status (differential mode).
    var alarms: Bool
    /// Levels tried when a level-0 request gets no answer.
    static let sweepLevels: [UInt8] = [11, 10, 9, 8, 7]

    /// How long to wait for the first PHDB record after a request: about two intervals.
    var firstDataTimeoutNanoseconds: Int64 { Int64(max(2 * intervalSeconds, 3)) * 1_000_000_000 }
    /// Silence after which the driver re-requests: max(3 × interval, 15 s).
    var silenceTimeoutNanoseconds: Int64 { Int64(max(3 * intervalSeconds, 15)) * 1_000_000_000 }
}

/// The DRI session: there is no handshake or keep-alive, so the state is "what did we ask, and
/// when did data last arrive".
struct GEDatexSession: Sendable {
    enum State: Equatable, Sendable {
        /// Before ``start``.
        case idle
        /// Transmit disabled: only watch the stream.
        case listening(lastData: Timestamp?, silent: Bool)
        /// A request went out at level 0 (then as a level sweep); no PHDB record yet.
        case requesting(sweep: Bool, attempts: Int, deadline: Timestamp)
        /// PHDB records arrive; `level` is the DRI level the monitor speaks.
        case streaming(level: UInt8, lastData: Timestamp)
        /// Data stopped; re-requesting at the known level.
        case recovering(level: UInt8, attempts: Int, deadline: Timestamp)
        /// After ``stop``.
        case stopped
    }

    let plan: GEDatexSessionPlan
    private(set) var state = State.idle
    /// Every level a start request went out at, so ``stop`` can undo them all.
    private(set) var requestedLevels: [UInt8] = []
    private var reportedNoAnswer = false
    private var consecutiveBadFrames = 0
    private var reportedBadFrames = false
    static let badFrameAlarmThreshold = 8

    init(plan: GEDatexSessionPlan) { self.plan = plan }

    var nextDeadline: Timestamp? {
        switch state {
        case .idle, .stopped: nil
        case .listening(let last, let silent): silent ? nil : last?.adding(nanoseconds: plan.silenceTimeoutNanoseconds)
        case .requesting(_, _, let deadline), .recovering(_, _, let deadline): deadline
        case .streaming(_, let last): last.adding(nanoseconds: plan.silenceTimeoutNanoseconds)
        }
    }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        guard state == .idle else { return }
        guard plan.transmit else {
            state = .listening(lastData: nil, silent: false)
            return
        }
        sendStart(levels: [0], into: &output)
        link(.requesting, "displayed values every \(plan.intervalSeconds) s at DRI level 0", now, &output)
        state = .requesting(sweep: false, attempts: 1, deadline: now.adding(nanoseconds: plan.firstDataTimeoutNanoseconds))
    }

    /// A valid record of any type arrived.
    mutating func recordArrived(mainType: GEDatexMainType, level: UInt8, now: Timestamp, into output: inout DriverOutput) {
        consecutiveBadFrames = 0
        reportedBadFrames = false
        let isData = mainType == .physiological
        switch state {
        case .idle, .stopped:
            break
        case .listening(let last, let silent):
            if last == nil || silent {
                link(.connected, last == nil ? "records at DRI level \(level) (listening only)"
                                             : "data flowing again (DRI level \(level))", now, &output)
            }
            if isData || last == nil { state = .listening(lastData: now, silent: false) }
        case .requesting, .recovering:
            guard isData else { return }
            link(.connected, "PHDB records at DRI level \(level)", now, &output)
            reportedNoAnswer = false
            state = .streaming(level: level, lastData: now)
        case .streaming(let known, _):
            if isData { state = .streaming(level: known, lastData: now) }
        }
    }

    /// A frame failed validation.
    mutating func badFrame(now: Timestamp, into output: inout DriverOutput) {
        consecutiveBadFrames += 1
        if consecutiveBadFrames >= Self.badFrameAlarmThreshold, !reportedBadFrames {
            reportedBadFrames = true
            link(.error, "\(consecutiveBadFrames) invalid frames in a row (checksum/length): check the line settings " +
                 "(19200 baud, 8 data bits, even parity, 1 stop bit, RTS/CTS) and the cable", now, &output)
        }
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        guard let deadline = nextDeadline, now >= deadline else { return }
        switch state {
        case .idle, .stopped:
            break
        case .listening(let last, _):
            let quiet = last.map { seconds(now, since: $0) } ?? 0
            link(.silent, "no PHDB record for \(quiet) s (listening only, not re-requesting)", now, &output)
            state = .listening(lastData: last, silent: true)
        case .requesting(let sweep, let attempts, _):
            if !sweep {
                sendStart(levels: GEDatexSessionPlan.sweepLevels, into: &output)
                link(.requesting, "no answer at DRI level 0; trying levels 11, 10, 9, 8, 7", now, &output)
                state = .requesting(sweep: true, attempts: attempts + 1,
                                    deadline: now.adding(nanoseconds: plan.silenceTimeoutNanoseconds))
            } else {
                if !reportedNoAnswer {
                    reportedNoAnswer = true
                    link(.error, "no PHDB record after requests at DRI levels 0 and 11…7: check the cable (null-modem), " +
                         "19200 8E1 with RTS/CTS, and that the monitor's computer interface output is enabled", now, &output)
                }
                sendStart(levels: [0] + GEDatexSessionPlan.sweepLevels, into: &output)
                link(.requesting, "re-requesting at DRI levels 0, 11…7 (attempt \(attempts + 1))", now, &output)
                state = .requesting(sweep: true, attempts: attempts + 1,
                                    deadline: now.adding(nanoseconds: plan.silenceTimeoutNanoseconds))
            }
        case .streaming(let level, let last):
            link(.silent, "no PHDB record for \(seconds(now, since: last)) s; re-requesting at DRI level \(level)", now, &output)
            sendStart(levels: [level], into: &output)
            state = .recovering(level: level, attempts: 1, deadline: now.adding(nanoseconds: plan.silenceTimeoutNanoseconds))
        case .recovering(let level, let attempts, _):
            if attempts == 3 {
                link(.error, "still no PHDB record after \(attempts) re-requests: check the cable and whether the monitor " +
                     "was restarted or its interface setting changed", now, &output)
            }
            // Alternate the known level with level 0 in case the monitor was replaced or reconfigured.
            sendStart(levels: attempts % 2 == 1 ? [0] : [level], into: &output)
            state = .recovering(level: level, attempts: attempts + 1,
                                deadline: now.adding(nanoseconds: plan.silenceTimeoutNanoseconds))
        }
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        switch state {
        case .idle, .stopped:
            state = .stopped
            return
        case .listening:
            break
        case .streaming(let level, _), .recovering(let level, _, _):
            if plan.transmit { sendStop(levels: Array(Set(requestedLevels + [level])).sorted(by: >), into: &output) }
        case .requesting:
            if plan.transmit { sendStop(levels: requestedLevels, into: &output) }
        }
        link(.stopped, plan.transmit ? "stop requests sent" : "listening ended", now, &output)
        state = .stopped
    }

    private mutating func sendStart(levels: [UInt8], into output: inout DriverOutput) {
        guard plan.transmit else { return }
        for level in levels {
            GEDatexFrameEncoder.append(record: GEDatexRequest.displayedValues(
                intervalSeconds: Int16(clamping: plan.intervalSeconds), classes: plan.classes, driLevel: level), to: &output.transmit)
            if !plan.waveIDs.isEmpty {
                GEDatexFrameEncoder.append(record: GEDatexRequest.waveforms(.startContinuous, ids: plan.waveIDs, driLevel: level),
                                           to: &output.transmit)
            }
            if plan.alarms {
                GEDatexFrameEncoder.append(record: GEDatexRequest.alarms(.enterDifferentialMode, driLevel: level),
                                           to: &output.transmit)
            }
            if !requestedLevels.contains(level) { requestedLevels.append(level) }
        }
        output.count("requests.sent", by: levels.count)
    }

    private func sendStop(levels: [UInt8], into output: inout DriverOutput) {
        for level in levels {
            GEDatexFrameEncoder.append(record: GEDatexRequest.stopDisplayedValues(driLevel: level), to: &output.transmit)
            if !plan.waveIDs.isEmpty {
                GEDatexFrameEncoder.append(record: GEDatexRequest.waveforms(.stop, ids: [], driLevel: level), to: &output.transmit)
            }
            if plan.alarms {
                GEDatexFrameEncoder.append(record: GEDatexRequest.alarms(.exitDifferentialMode, driLevel: level),
                                           to: &output.transmit)
            }
        }
    }

    private func link(_ kind: LinkEvent.Kind, _ detail: String, _ now: Timestamp, _ output: inout DriverOutput) {
        output.observations.append(.link(LinkEvent(kind: kind, detail: detail, hostTime: now)))
    }

    private func seconds(_ now: Timestamp, since: Timestamp) -> Int64 { now.nanoseconds(since: since) / 1_000_000_000 }
}
