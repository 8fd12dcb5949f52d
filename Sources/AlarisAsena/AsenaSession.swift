import BedsideDriver
import BedsideModel

/// The read-only commands the bridge sends to an Asena pump (pumps.md §2.2). None unlocks remote
/// control or changes the pump's programme.
public enum AsenaCommand: String, Sendable, CaseIterable {
    case serialNumber = "INST_SERIALNO"
    case protocolVersion = "COMMS_PROTOCOL"
    case responseMaximum = "COMMS_RESPONSE_MAX"
    case infusion = "INF"
    case vtbi = "INF_VTBI"
    case alarm = "ALARM"
    case syringe = "SYRINGE_STATUS"

    /// The frame as sent: the command alone, no arguments.
    public var frame: [UInt8] { AsenaFraming.frame([rawValue]) }

    static let identification: [AsenaCommand] = [.serialNumber, .protocolVersion, .responseMaximum]
    static let poll: [AsenaCommand] = [.infusion, .vtbi, .alarm, .syringe]
}

/// One command outstanding at a time: identification once per session, then a poll cycle every
/// interval. A reply missing for max(the pump's `COMMS_RESPONSE_MAX`, 0.5 s) gets the command sent
/// once more; a second miss ends the session as silent and it starts again with `INST_SERIALNO`.
struct AsenaSession: Sendable {
    enum Phase: Equatable, Sendable {
        case idle, identifying, polling, waiting, listening, stopped
    }

    let transmit: Bool
    let interval: Int64
    private(set) var phase = Phase.idle
    private var queue: [AsenaCommand] = []
    private(set) var outstanding: AsenaCommand?
    private var resent = false
    private var timeoutAt: Timestamp?
    private var nextCycleAt: Timestamp?
    private(set) var connected = false
    private var failures = 0
    /// The pump's stated maximum response time, nanoseconds.
    var responseMaximum: Int64 = 500_000_000
    static let minimumTimeout: Int64 = 500_000_000

    init(transmit: Bool, intervalSeconds: Int) {
        self.transmit = transmit
        interval = Int64(intervalSeconds) * 1_000_000_000
    }

    var nextDeadline: Timestamp? { [timeoutAt, nextCycleAt].compactMap { $0 }.min() }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        guard phase == .idle else { return }
        guard transmit else { phase = .listening; return }
        identify(now: now, detail: "INST_SERIALNO", into: &output)
    }

    private mutating func identify(now: Timestamp, detail: String, into output: inout DriverOutput) {
        phase = .identifying
        queue = AsenaCommand.identification
        link(.requesting, detail, now, &output)
        sendNext(now: now, into: &output)
    }

    private mutating func sendNext(now: Timestamp, into output: inout DriverOutput) {
        if queue.isEmpty, phase == .identifying {
            // Identified: the first poll goes at once, the next ones every interval.
            phase = .polling
            queue = AsenaCommand.poll
        }
        guard !queue.isEmpty else {
            outstanding = nil
            timeoutAt = nil
            phase = .waiting
            nextCycleAt = now.adding(nanoseconds: interval)
            return
        }
        let c = queue.removeFirst()
        send(c, now: now, into: &output)
        resent = false
    }

    private mutating func send(_ c: AsenaCommand, now: Timestamp, into output: inout DriverOutput) {
        output.transmit.append(contentsOf: c.frame)
        output.count(.requestsSent)
        outstanding = c
        timeoutAt = now.adding(nanoseconds: max(responseMaximum, Self.minimumTimeout))
    }

    /// A checked reply arrived; returns the command it answers (`nil`: none the bridge sends). A
    /// reply out of turn (late, after a resend) is still the pump's data and is returned, but only
    /// the reply to the outstanding command advances the session.
    mutating func reply(_ fields: [String], now: Timestamp, into output: inout DriverOutput) -> AsenaCommand? {
        guard let answered = AsenaCommand(rawValue: fields.first ?? "") else { return nil }
        if phase == .listening { return answered }
        guard let c = outstanding, answered == c else { return answered }
        failures = 0
        if !connected, phase == .polling || c == .responseMaximum || c == .infusion {
            connected = true
            link(.connected, "pump answers (\(c.rawValue))", now, &output)
        }
        sendNext(now: now, into: &output)
        return c
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) -> Bool {
        var lost = false
        if let t = timeoutAt, t <= now, let c = outstanding {
            if !resent {
                send(c, now: now, into: &output)
                resent = true
            } else {
                failures += 1
                if connected {
                    connected = false
                    lost = true
                    output.count(.silences)
                    link(.silent, "no reply to \(c.rawValue) after a resend; starting again with INST_SERIALNO", now, &output)
                }
                if failures == 3 {
                    link(.error, "no reply from the pump: check the cable, 38400 8N1, and that the pump's RS-232 interface is on", now, &output)
                }
                identify(now: now, detail: "INST_SERIALNO, attempt \(failures + 1)", into: &output)
            }
        }
        if let n = nextCycleAt, n <= now {
            nextCycleAt = nil
            phase = .polling
            queue = AsenaCommand.poll
            sendNext(now: now, into: &output)
        }
        return lost
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        if phase != .idle, phase != .stopped {
            link(.stopped, transmit ? "polling stopped" : "listening ended", now, &output)
        }
        phase = .stopped
        timeoutAt = nil
        nextCycleAt = nil
        outstanding = nil
    }

    private func link(_ kind: LinkEvent.Kind, _ detail: String, _ now: Timestamp, _ output: inout DriverOutput) {
        output.observations.append(.link(LinkEvent(kind: kind, detail: detail, hostTime: now)))
    }
}
