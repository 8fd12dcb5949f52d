#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BedsideModel

/// The host clock given to drivers, simulators and records.
///
/// `now()` is the wall-clock time read once when the clock was created (the *anchor*) plus the
/// monotonic time elapsed since then (`CLOCK_MONOTONIC`). So:
/// - it never goes backwards, even if NTP or an operator steps the system clock, which the sans-IO
///   drivers rely on (their deadlines and "silent for N seconds" logic assume non-decreasing time);
/// - every pipeline of one bridge shares one anchor, so host times of different devices compare;
/// - it does not follow later steps of the system clock: after a step, host times differ from the
///   system clock by that step until the bridge restarts (the monotonic clock's own drift is a few
///   ppm, i.e. well under a second per day).
public struct BridgeClock: Sendable {
    /// Wall-clock time at the anchor.
    public let anchor: Timestamp
    /// `CLOCK_MONOTONIC` nanoseconds at the anchor.
    public let anchorMonotonicNanoseconds: Int64

    /// Anchors a new clock at the current system time.
    public init() {
        self.init(anchor: Timestamp(nanosecondsSinceEpoch: Self.read(CLOCK_REALTIME)),
                  anchorMonotonicNanoseconds: Self.read(CLOCK_MONOTONIC))
    }

    /// A clock anchored at an explicit time (tests, replays that re-time a capture).
    public init(anchor: Timestamp, anchorMonotonicNanoseconds: Int64) {
        self.anchor = anchor
        self.anchorMonotonicNanoseconds = anchorMonotonicNanoseconds
    }

    /// The current host time: anchor + monotonic time elapsed since the anchor.
    @inline(__always)
    public func now() -> Timestamp {
        time(atMonotonicNanoseconds: Self.monotonicNanoseconds())
    }

    /// The host time of a moment read from the monotonic clock (``monotonicNanoseconds()``).
    @inline(__always)
    public func time(atMonotonicNanoseconds monotonic: Int64) -> Timestamp {
        anchor.adding(nanoseconds: monotonic - anchorMonotonicNanoseconds)
    }

    /// Nanoseconds from now until `deadline` (negative when it has passed).
    public func nanoseconds(until deadline: Timestamp) -> Int64 {
        deadline.nanoseconds(since: now())
    }

    /// The raw monotonic clock, in nanoseconds (for latency measurements).
    @inline(__always)
    public static func monotonicNanoseconds() -> Int64 { read(CLOCK_MONOTONIC) }

    @inline(__always)
    private static func read(_ id: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
