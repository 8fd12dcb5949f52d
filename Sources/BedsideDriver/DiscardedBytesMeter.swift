/// Turns a framer's running total of discarded bytes into `bytes.discarded` counts: each call
/// reports what was discarded since the last, so a driver's counters add up to the framer's total.
public struct DiscardedBytesMeter: Sendable {
    private var reported = 0

    public init() {}

    /// Counts the bytes discarded since the last report; `total` is the framer's count since creation.
    public mutating func report(total: Int, into output: inout DriverOutput) {
        guard total > reported else { return }
        output.count(.bytesDiscarded, by: total - reported)
        reported = total
    }
}
