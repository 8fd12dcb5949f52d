/// Forwards a cuff (NIBP) result once per measurement cycle instead of once per record.
///
/// The monitor repeats the last cuff result in every record until the next cycle. A result is
/// forwarded when:
/// - it is the first NIBP group seen in the session (stale if label bit 8 says it is older than 60 s);
/// - a cycle just finished: the "measuring" label bit (5) went from set to clear, or the
///   "older than 60 s" bit (8) went from set to clear — even when the new numbers equal the old ones;
/// - the values or presence changed while no measurement is running (covers a missed measuring bit).
/// While the measuring bit is set nothing is forwarded (the cuff is inflating; the group still
/// holds the previous result). The "older than 60 s" bit turning on is not a new measurement and
/// forwards nothing.
struct GEDatexNIBPTracker: Sendable {
    private struct Key: Equatable, Sendable {
        var sys: Int16, dia: Int16, mean: Int16, rate: Int16
        var exists: Bool, active: Bool
    }

    private var last: Key?
    private var wasMeasuring = false
    private var wasOld = false

    /// Whether this record's NIBP group is a result to forward.
    mutating func shouldForward(header: GEDatexGroupHeader, sys: Int16, dia: Int16, mean: Int16, rate: Int16) -> Bool {
        let present = header.moduleExists && header.measurementActive
        let measuring = present && header.nibpMeasuring
        let old = present && header.nibpOlderThan60s
        defer {
            wasMeasuring = measuring
            wasOld = old
        }
        if measuring { return false }
        let key = Key(sys: sys, dia: dia, mean: mean, rate: rate, exists: header.moduleExists, active: header.measurementActive)
        let cycleFinished = wasMeasuring || (wasOld && !old)
        if last == nil || cycleFinished || key != last {
            last = key
            return true
        }
        return false
    }
}
