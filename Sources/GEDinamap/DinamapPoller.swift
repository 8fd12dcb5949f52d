import BedsideDriver
import BedsideModel

/// Who asks what when: one read request at a time, in a fixed order, every poll interval
/// (vital-signs-monitors.md §2.3, §2.10). Pure: times in, requests and link events out.
///
/// A reply to the request outstanding (or a damaged line, which is also the answer to it) moves
/// on to the next request at once; no reply within ``replyTimeoutNanoseconds`` moves on too.
/// Three requests in a row without a usable reply is `silent`; the next reply is `connected`.
struct DinamapPoller: Sendable {
    enum State: Equatable, Sendable {
        case idle
        /// Waiting for the reply to `requests[index]` until `deadline`.
        case waiting(index: Int, deadline: Timestamp)
        /// The cycle is done; the next one starts at `next`.
        case resting(next: Timestamp)
        case stopped
    }

    static let replyTimeoutNanoseconds: Int64 = 3_000_000_000
    static let silenceAfterMissedReplies = 3
    static let errorAfterBadReplies = 10

    let requests: [String]
    let intervalNanoseconds: Int64
    private(set) var state: State = .idle
    private var cycleStart: Timestamp?
    private var missedInARow = 0
    private var badInARow = 0
    private var reportedBad = false
    private var everAnswered = false
    private var silent = false

    init(requests: [String], intervalSeconds: Int) {
        self.requests = requests
        self.intervalNanoseconds = Int64(intervalSeconds) * 1_000_000_000
    }

    var nextDeadline: Timestamp? {
        switch state {
        case .waiting(_, let d): d
        case .resting(let n): n
        case .idle, .stopped: nil
        }
    }

    /// The request awaiting its reply, if any.
    var outstanding: String? {
        if case .waiting(let i, _) = state { return requests[i] }
        return nil
    }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        guard state == .idle, !requests.isEmpty else { return }
        output.observations.append(.link(LinkEvent(
            kind: .requesting, detail: "reading \(requests.joined(separator: ", ")) every \(intervalNanoseconds / 1_000_000_000) s",
            hostTime: now)))
        beginCycle(now: now, into: &output)
    }

    private mutating func beginCycle(now: Timestamp, into output: inout DriverOutput) {
        cycleStart = now
        send(0, now: now, into: &output)
    }

    private mutating func send(_ index: Int, now: Timestamp, into output: inout DriverOutput) {
        output.transmit += DinamapWire.request(requests[index])
        output.count(.requestsSent)
        state = .waiting(index: index, deadline: now.adding(nanoseconds: Self.replyTimeoutNanoseconds))
    }

    private mutating func advance(now: Timestamp, into output: inout DriverOutput) {
        guard case .waiting(let index, _) = state else { return }
        if index + 1 < requests.count {
            send(index + 1, now: now, into: &output)
        } else {
            let due = (cycleStart ?? now).adding(nanoseconds: intervalNanoseconds)
            state = .resting(next: due > now ? due : now)
        }
    }

    /// A checked reply to the outstanding request arrived.
    mutating func answered(now: Timestamp, into output: inout DriverOutput) {
        heard(now: now, into: &output)
        advance(now: now, into: &output)
    }

    /// A checked reply arrived, whether or not it answers the request now waiting (a monitor that
    /// was off answers the requests queued meanwhile): the monitor is there.
    mutating func heard(now: Timestamp, into output: inout DriverOutput) {
        missedInARow = 0
        badInARow = 0
        reportedBad = false
        if !everAnswered || silent {
            output.observations.append(.link(LinkEvent(
                kind: .connected, detail: everAnswered ? "the monitor answers again" : "the monitor answers", hostTime: now)))
        }
        everAnswered = true
        silent = false
    }

    /// A damaged line arrived while a reply was awaited: taken as that reply, lost.
    mutating func damaged(now: Timestamp, into output: inout DriverOutput) {
        badInARow += 1
        if badInARow >= Self.errorAfterBadReplies, !reportedBad {
            reportedBad = true
            output.observations.append(.link(LinkEvent(
                kind: .error, detail: "\(badInARow) damaged replies in a row: check 9600 8N1 and the cable", hostTime: now)))
        }
        if outstanding != nil { advance(now: now, into: &output) }
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        switch state {
        case .waiting(_, let deadline) where now >= deadline:
            output.count(.silences)
            missedInARow += 1
            if missedInARow == Self.silenceAfterMissedReplies {
                silent = true
                output.observations.append(.link(LinkEvent(
                    kind: .silent,
                    detail: "no reply to \(missedInARow) requests in a row: monitor off, cable out or wrong port (9600 8N1)",
                    hostTime: now)))
            }
            advance(now: now, into: &output)
        case .resting(let next) where now >= next:
            beginCycle(now: now, into: &output)
        default:
            break
        }
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        guard state != .stopped else { return }
        let wasPolling = state != .idle
        state = .stopped
        if wasPolling {
            output.observations.append(.link(LinkEvent(kind: .stopped, detail: "polling ended", hostTime: now)))
        }
    }

    var isSilent: Bool { silent }
}
