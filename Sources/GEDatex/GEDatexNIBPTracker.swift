/// Forwards a cuff (NIBP) result once per measurement instead of once per record.
///
/// The monitor repeats the last cuff result in every record until the next measurement. A result
/// is forwarded:
/// - the first time the group is seen in a session, even while the cuff is inflating (the group
///   still shows the previous result): it is on the monitor's screen, so it is reported;
/// - as soon as a measurement's numbers appear: the values change while label bit 5 "measuring"
///   is still set, or the values change with no measurement running (covers a missed bit);
/// - when a measurement finishes with numbers equal to the previous ones: bit 5 went 1 → 0, or
///   bit 8 "older than 60 s" went 1 → 0, without a forward since the measurement began.
/// Bit 8 turning on is not a new measurement and forwards nothing.
struct GEDatexNIBPTracker: Sendable {
    enum Verdict: Equatable, Sendable {
        /// The result shown when the bridge connected (measured at an unknown earlier time).
        case alreadyOnScreen
        /// A result that appeared in this record.
        case newResult
        /// A repeat.
        case suppress
    }

    private struct Key: Equatable, Sendable {
        var sys: Int16, dia: Int16, mean: Int16, rate: Int16
        var exists: Bool, active: Bool
    }

    private var last: Key?
    /// Bit 5 was seen set since the last record without it.
    private var inMeasurement = false
    /// The current measurement's numbers were already forwarded (they appeared while bit 5 was set).
    private var reportedInMeasurement = false
    private var wasOld = false

    /// What this record's NIBP group is.
    mutating func step(header: GEDatexGroupHeader, sys: Int16, dia: Int16, mean: Int16, rate: Int16) -> Verdict {
        let present = header.moduleExists && header.measurementActive
        let measuring = present && header.nibpMeasuring
        let old = present && header.nibpOlderThan60s
        let key = Key(sys: sys, dia: dia, mean: mean, rate: rate, exists: header.moduleExists, active: header.measurementActive)
        defer { wasOld = old }
        guard let previous = last else {
            last = key
            inMeasurement = measuring
            reportedInMeasurement = false
            return .alreadyOnScreen
        }
        if key != previous {
            last = key
            inMeasurement = measuring
            reportedInMeasurement = measuring
            return .newResult
        }
        if measuring {
            inMeasurement = true
            return .suppress
        }
        let finished = (inMeasurement && !reportedInMeasurement) || (wasOld && !old)
        inMeasurement = false
        reportedInMeasurement = false
        return finished ? .newResult : .suppress
    }

    /// Whether this record's NIBP group is a result to forward (kept for callers that only need yes/no).
    mutating func shouldForward(header: GEDatexGroupHeader, sys: Int16, dia: Int16, mean: Int16, rate: Int16) -> Bool {
        step(header: header, sys: sys, dia: dia, mean: mean, rate: rate) != .suppress
    }
}
