import BedsideDriver
import BedsideModel

/// The BCC request/response cycle (pumps.md §1.5) as a state machine: `ADMIN:ALIVE` at link start
/// (bed id `1`), `ADMIN:VERSION`, then `MEM:GET` every poll interval. Every correct block is
/// acknowledged with `<ACK>` 0.1 s after it arrived, a bad one with `<NAK>` (the ComDevice resends
/// it; at most 3 times); the next MEM:GET waits ≥ 0.5 s after the last block (the identification
/// requests follow 0.1 s after their ACK). A block missing for
/// 3 s gets the request resent once, then the link is re-initialised with `ADMIN:ALIVE`.
///
/// Only the requests of ``BCCRequest`` are ever sent: none changes a pump's programming.
struct BCCSession: Sendable {
    enum Phase: Equatable, Sendable {
        case idle
        /// `ADMIN:ALIVE` sent; waiting for GNACK.
        case initialising
        /// `ADMIN:VERSION` sent.
        case askingVersion
        /// `MEM:GET` sent; `blocks` blocks of this answer received so far.
        case polling(blocks: Int)
        /// Answer complete; the next request goes at ``nextRequestAt``.
        case between
        /// Listening only (transmit disabled).
        case listening
        case stopped
    }

    /// What the driver should do with a frame the session accepted.
    enum Accepted: Sendable {
        case alive(bedId: String)
        case version(String?)
        case block(BCCFrame, last: Bool)
        case listened(BCCFrame)
        case ignored
    }

    let stuffing: Bool
    let transmit: Bool
    let pollInterval: Int64
    static let ackDelay: Int64 = 100_000_000
    /// Between MEM:GET answers (spec: ≥ 0.5 s after the final block).
    static let requestGap: Int64 = 500_000_000
    /// After the answers to ADMIN:ALIVE and ADMIN:VERSION, for which the specification asks no gap.
    static let identificationGap: Int64 = 100_000_000
    static let blockTimeout: Int64 = 3_000_000_000
    static let maximumNAKs = 3

    private(set) var phase = Phase.idle
    private(set) var bedId = BCCFraming.initialBedId
    /// The request in flight, for a resend.
    private var request: BCCRequest?
    private var pendingControl: (byte: UInt8, at: Timestamp)?
    private var nextRequestAt: Timestamp?
    private var nextRequest: BCCRequest?
    private var timeoutAt: Timestamp?
    private var resent = false
    private var naks = 0
    private(set) var connected = false
    private var failedInitialisations = 0

    init(stuffing: Bool, transmit: Bool, pollIntervalSeconds: Int) {
        self.stuffing = stuffing
        self.transmit = transmit
        pollInterval = Int64(pollIntervalSeconds) * 1_000_000_000
    }

    var nextDeadline: Timestamp? {
        [pendingControl?.at, nextRequestAt, timeoutAt].compactMap { $0 }.min()
    }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        guard phase == .idle else { return }
        guard transmit else {
            phase = .listening
            return
        }
        initialise(now: now, detail: "ADMIN:ALIVE (bed id 1)", into: &output)
    }

    private mutating func initialise(now: Timestamp, detail: String, into output: inout DriverOutput) {
        bedId = BCCFraming.initialBedId
        send(.alive, now: now, into: &output)
        phase = .initialising
        link(.requesting, detail, now, &output)
    }

    private mutating func send(_ r: BCCRequest, now: Timestamp, into output: inout DriverOutput) {
        output.transmit.append(contentsOf: BCCFraming.request(r.text, bedId: bedId, stuffing: stuffing))
        output.count(.requestsSent)
        request = r
        resent = false
        naks = 0
        timeoutAt = now.adding(nanoseconds: Self.blockTimeout)
        nextRequestAt = nil
        nextRequest = nil
    }

    /// A frame passed the decoder's checks.
    mutating func frame(_ f: BCCFrame, now: Timestamp, into output: inout DriverOutput) -> Accepted {
        let (records, _) = BCCQuadruple.parse(f.information)
        let gnack = records.contains { $0.address.isComDevice && $0.parameter == "GNACK" }
        let gnerr = records.first { $0.address.isComDevice && $0.parameter == "GNERR" }
        let version = records.first { $0.address.isComDevice && $0.value == nil }
        switch phase {
        case .listening:
            return .listened(f)
        case .initialising where gnack:
            acknowledge(now: now)
            bedId = f.bedId
            failedInitialisations = 0
            schedule(.version, at: now.adding(nanoseconds: Self.ackDelay + Self.identificationGap))
            return .alive(bedId: f.bedId)
        case .initialising where gnerr != nil && records.count == 1:
            // Refused: tell, and try again after the time-out.
            acknowledge(now: now)
            let code = gnerr?.value?.text ?? "?"
            link(.error, "ADMIN:ALIVE answered GNERR \(code): \(BCCErrorCode.describe(code))", now, &output)
            schedule(.alive, at: now.adding(nanoseconds: Self.blockTimeout))
            return .ignored
        case .askingVersion where version != nil:
            acknowledge(now: now)
            schedule(.memGet, at: now.adding(nanoseconds: Self.ackDelay + Self.identificationGap))
            if !connected {
                connected = true
                link(.connected, "ComDevice bed id \(bedId)", now, &output)
            }
            // Three fields, no value: the version is the parameter (`207,50100,V3.30`).
            return .version(version?.parameter)
        case .polling(let blocks) where !gnack && version == nil:
            acknowledge(now: now)
            naks = 0
            if !connected {
                connected = true
                link(.connected, "ComDevice bed id \(bedId): data flowing again", now, &output)
            }
            if f.terminator == .moreBlocks {
                phase = .polling(blocks: blocks + 1)
                timeoutAt = now.adding(nanoseconds: Self.ackDelay + Self.blockTimeout)
                return .block(f, last: false)
            }
            schedule(.memGet, at: now.adding(nanoseconds: Self.ackDelay + max(pollInterval, Self.requestGap)))
            return .block(f, last: true)
        default:
            // An intact answer out of turn (late, after a time-out and a resend): its values are
            // the device's and are read, but it neither advances the session nor ends a cycle.
            return records.isEmpty || gnack || version != nil ? .ignored : .block(f, last: false)
        }
    }

    /// A block failed its checks: `<NAK>` asks for it again, at most ``maximumNAKs`` times in a row.
    mutating func badFrame(now: Timestamp, into output: inout DriverOutput) {
        guard transmit, request != nil, timeoutAt != nil else { return }
        naks += 1
        if naks <= Self.maximumNAKs {
            pendingControl = (BCCFraming.nak, now.adding(nanoseconds: Self.ackDelay))
            timeoutAt = now.adding(nanoseconds: Self.ackDelay + Self.blockTimeout)
        }
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) -> Bool {
        var lostSight = false
        if let c = pendingControl, c.at <= now {
            output.transmit.append(c.byte)
            pendingControl = nil
        }
        if let t = timeoutAt, t <= now {
            timeoutAt = nil
            if !resent, let r = request, r != .alive {
                let wasResent = true
                send(r, now: now, into: &output)
                resent = wasResent
                if case .polling = phase { phase = .polling(blocks: 0) }
            } else {
                failedInitialisations += 1
                if connected {
                    connected = false
                    lostSight = true
                    link(.silent, "no answer from the ComDevice for 3 s after a resend; re-initialising with ADMIN:ALIVE", now, &output)
                    output.count(.silences)
                }
                if failedInitialisations == 3 {
                    link(.error, "no answer to ADMIN:ALIVE: check the cable (B. Braun crossover 871 3237), 9600 8N1 (or the " +
                         "rate set on the ComDevice web page), and that its protocol transport is serial and mode is request", now, &output)
                }
                initialise(now: now, detail: "ADMIN:ALIVE (bed id 1), attempt \(failedInitialisations + 1)", into: &output)
            }
        }
        if let at = nextRequestAt, at <= now, let r = nextRequest {
            send(r, now: now, into: &output)
            switch r {
            case .alive: phase = .initialising
            case .version: phase = .askingVersion
            case .memGet: phase = .polling(blocks: 0)
            }
        }
        return lostSight
    }

    /// The device restarted: the answer in progress is abandoned and the link starts again.
    mutating func restart(now: Timestamp, into output: inout DriverOutput) {
        guard transmit else { return }
        pendingControl = nil
        connected = false
        initialise(now: now, detail: "ADMIN:ALIVE (bed id 1) after a ComDevice restart", into: &output)
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        if phase != .idle, phase != .stopped {
            // A pending <ACK> still goes out, so the ComDevice is not left waiting mid-answer.
            if let c = pendingControl, c.byte == BCCFraming.ack { output.transmit.append(c.byte) }
            link(.stopped, transmit ? "polling stopped" : "listening ended", now, &output)
        }
        pendingControl = nil
        timeoutAt = nil
        nextRequestAt = nil
        phase = .stopped
    }

    private mutating func acknowledge(now: Timestamp) {
        timeoutAt = nil
        pendingControl = (BCCFraming.ack, now.adding(nanoseconds: Self.ackDelay))
    }

    private mutating func schedule(_ r: BCCRequest, at: Timestamp) {
        phase = .between
        timeoutAt = nil
        nextRequest = r
        nextRequestAt = at
    }

    private func link(_ kind: LinkEvent.Kind, _ detail: String, _ now: Timestamp, _ output: inout DriverOutput) {
        output.observations.append(.link(LinkEvent(kind: kind, detail: detail, hostTime: now)))
    }
}

/// The only requests the bridge sends (besides the single bytes `<ACK>` and `<NAK>`). All read:
/// none changes a pump's programming (Protocols/bbraun-bcc/README.md says why each is safe).
enum BCCRequest: String, Sendable, CaseIterable {
    case alive = "ADMIN:ALIVE"
    case version = "ADMIN:VERSION"
    case memGet = "MEM:GET"

    var text: String { rawValue }
}

/// GNERR codes (pumps.md §1.7).
public enum BCCErrorCode {
    public static func describe(_ code: String) -> String {
        guard let n = Int(code) else { return "unknown error code" }
        switch n {
        case 11: return "no further data / no pumps in the system"
        case 39: return "pump removed from the rack (or cannot be reached)"
        case 68: return "the request had wrong syntax or checksum (check the stuffing option against the ComDevice setting)"
        case 811: return "bad pillar/slot in a slot request"
        case 40...49: return "communication error with the pump in this slot (also while a newly inserted pump starts up)"
        case 50...59: return "rack topology invalid (Space Cover Comfort missing or faulty, or the system is not working): no pump data follows"
        default: return "error code not in the specification's list"
        }
    }
}
