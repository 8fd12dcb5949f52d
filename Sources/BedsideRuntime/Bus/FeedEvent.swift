import BedsideModel

/// What a bus subscriber receives: records in `seq` order, and a gap marker wherever records were
/// dropped because this subscriber fell behind.
public enum FeedEvent: Hashable, Sendable {
    case record(FeedRecord)
    /// Records this subscriber did not receive. Delivered in place of the missing records, before
    /// the next record it does receive, so the subscriber knows exactly what it lost.
    case gap(FeedGap)
}

/// A run of records one subscriber lost because its buffer was full.
///
/// Other subscribers are unaffected, and the records are not lost for the bridge: they were
/// published with their `seq`, so a consumer of this subscriber's output also sees the hole in the
/// sequence numbers.
public struct FeedGap: Hashable, Sendable, CustomStringConvertible {
    /// How many records were dropped.
    public var droppedRecords: Int
    /// `seq` of the first and last dropped record.
    public var firstSeq: UInt64
    public var lastSeq: UInt64

    public init(droppedRecords: Int, firstSeq: UInt64, lastSeq: UInt64) {
        self.droppedRecords = droppedRecords
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
    }

    public var description: String {
        "\(droppedRecords) record(s) dropped (seq \(firstSeq)…\(lastSeq)): the consumer fell behind; "
            + "read the output faster or raise the subscriber's buffer"
    }
}
