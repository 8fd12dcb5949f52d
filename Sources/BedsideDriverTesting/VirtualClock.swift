import BedsideModel

/// Simulated time for driver tests: starts at a fixed instant and moves only when told, so a test
/// of "stale after 7.5 s" takes no wall-clock time and always sees the same times.
public struct VirtualClock: Sendable {
    /// A fixed, unremarkable start: 2026-01-05T08:00:00Z (a clinic morning).
    public static let defaultStart = Timestamp(secondsSinceEpoch: 1_767_600_000)

    public private(set) var now: Timestamp

    public init(start: Timestamp = VirtualClock.defaultStart) { now = start }

    /// Moves to `time`; a time in the past leaves the clock where it is (time never goes backwards).
    public mutating func advance(to time: Timestamp) {
        if time > now { now = time }
    }

    public mutating func advance(seconds: Double) {
        now = now.adding(seconds: seconds)
    }
}
