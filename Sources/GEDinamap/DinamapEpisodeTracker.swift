import BedsideModel

/// Reports each spot determination (NIBP, predictive temperature) once, though every poll repeats
/// the last one (vital-signs-monitors.md §2.7).
///
/// A result is new when its measurement time — the reply's receipt time minus the reply's
/// "seconds since the last determination" — is more than ``toleranceNanoseconds`` from the last
/// reported one's, or its numbers (NIBP) or counter character (temperature) differ. A failure is
/// reported once when the status turns to a failure (or is first seen as one).
struct DinamapEpisodeTracker: Sendable {
    enum Verdict: Equatable, Sendable {
        case newResult(measuredAt: Timestamp)
        case newFailure
        case repeated
    }

    /// Poll-to-poll jitter of the computed time: whole seconds on the wire plus reply latency.
    static let toleranceNanoseconds: Int64 = 2_000_000_000

    private var lastResult: (key: [Int], at: Timestamp)?
    private var lastStatus: UInt8?

    /// `key`: the values (or counter) that identify the result; `secondsSince`: `nil` when the
    /// reply says there is no recent determination.
    mutating func step(statusOK: Bool, failed: Bool, status: UInt8, key: [Int], secondsSince: Int?,
                       now: Timestamp) -> Verdict {
        defer { lastStatus = status }
        if failed {
            return lastStatus == status ? .repeated : .newFailure
        }
        guard statusOK, let secondsSince else { return .repeated }
        let at = now.adding(nanoseconds: -Int64(secondsSince) * 1_000_000_000)
        if let last = lastResult, last.key == key, abs(at.nanoseconds(since: last.at)) <= Self.toleranceNanoseconds {
            return .repeated
        }
        lastResult = (key, at)
        return .newResult(measuredAt: at)
    }
}
