import BedsideModel

/// The link state of a device that streams on its own (a pulse oximeter's serial output), seen
/// only from what arrives: `connected` on the first valid frame and again after a silence,
/// `silent` when no valid frame came for ``silenceTimeoutNanoseconds``, `error` once after
/// ``badFrameAlarmThreshold`` invalid frames in a row (with what to check).
///
/// Pure: the driver calls it with the times it is given and states ``nextDeadline`` afresh.
public struct StreamLinkWatch: Sendable {
    public enum State: Sendable, Equatable {
        /// Nothing valid has arrived yet.
        case waiting
        case flowing(lastFrame: Timestamp)
        case silent(lastFrame: Timestamp?)
        case stopped
    }

    public private(set) var state: State = .waiting
    public let silenceTimeoutNanoseconds: Int64
    public let badFrameAlarmThreshold: Int
    /// What the `connected` detail says is arriving (`ASCII 1 lines`).
    public let what: String
    /// Appended to the `error` detail: what to check (line settings, device setup).
    public let advice: String
    private var started: Timestamp?
    private var consecutiveBad = 0
    private var reportedBad = false

    public init(what: String, silenceTimeoutNanoseconds: Int64, badFrameAlarmThreshold: Int = 10, advice: String) {
        self.what = what
        self.silenceTimeoutNanoseconds = silenceTimeoutNanoseconds
        self.badFrameAlarmThreshold = badFrameAlarmThreshold
        self.advice = advice
    }

    public mutating func start(now: Timestamp) {
        started = now
    }

    /// Waits afresh for a first frame from `now` (after the driver asked the device again).
    public mutating func restartWaiting(now: Timestamp) {
        guard state != .stopped else { return }
        state = .waiting
        started = now
    }

    /// When the watch next needs ``tick(now:into:)``.
    public var nextDeadline: Timestamp? {
        switch state {
        case .waiting: started?.adding(nanoseconds: silenceTimeoutNanoseconds)
        case .flowing(let last): last.adding(nanoseconds: silenceTimeoutNanoseconds)
        case .silent, .stopped: nil
        }
    }

    /// A frame passed every check.
    public mutating func validFrame(now: Timestamp, into output: inout DriverOutput) {
        consecutiveBad = 0
        reportedBad = false
        switch state {
        case .waiting:
            output.observations.append(.link(LinkEvent(kind: .connected, detail: "\(what) arriving (listening only)", hostTime: now)))
        case .silent:
            output.observations.append(.link(LinkEvent(kind: .connected, detail: "\(what) arriving again", hostTime: now)))
        case .flowing, .stopped:
            break
        }
        if state != .stopped { state = .flowing(lastFrame: now) }
    }

    /// A frame failed a check.
    public mutating func badFrame(now: Timestamp, into output: inout DriverOutput) {
        consecutiveBad += 1
        guard consecutiveBad >= badFrameAlarmThreshold, !reportedBad, state != .stopped else { return }
        reportedBad = true
        output.observations.append(.link(LinkEvent(
            kind: .error, detail: "\(consecutiveBad) invalid frames in a row: \(advice)", hostTime: now)))
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        guard let deadline = nextDeadline, now >= deadline else { return }
        switch state {
        case .waiting:
            output.observations.append(.link(LinkEvent(
                kind: .silent, detail: "nothing valid received for \(Self.seconds(silenceTimeoutNanoseconds)) s since the port opened: \(advice)",
                hostTime: now)))
            state = .silent(lastFrame: nil)
        case .flowing(let last):
            output.observations.append(.link(LinkEvent(
                kind: .silent, detail: "no valid frame for \(Self.seconds(now.nanoseconds(since: last))) s", hostTime: now)))
            state = .silent(lastFrame: last)
        case .silent, .stopped:
            break
        }
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        guard state != .stopped else { return }
        state = .stopped
        output.observations.append(.link(LinkEvent(kind: .stopped, detail: "listening ended", hostTime: now)))
    }

    static func seconds(_ ns: Int64) -> String {
        let tenths = (ns + 50_000_000) / 100_000_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
