/// What goes wrong on one direction of a simulated serial link, chunk by chunk (a chunk is one
/// party's transmit of one call). Every probability is per chunk; draws come from the link's
/// seed, so the same seed gives the same damage.
public struct LinkFaults: Sendable, Hashable {
    /// The chunk is lost.
    public var drop: Double
    /// One byte of the chunk has one bit flipped (a checksum must catch it).
    public var corrupt: Double
    /// The chunk arrives twice.
    public var duplicate: Double
    /// The chunk arrives in two reads at a random byte, the second `splitGapSeconds` later.
    public var split: Double
    public var splitGapSeconds: Double
    /// Extra delay of every chunk, drawn uniformly from this range (seconds); reordering never
    /// happens: a chunk is never delivered before one sent earlier in the same direction.
    public var delaySeconds: ClosedRange<Double>
    /// Windows (seconds since the session started) in which everything sent in this direction is
    /// lost: a cable pulled, a device switched off.
    public var silences: [ClosedRange<Double>]

    public init(drop: Double = 0, corrupt: Double = 0, duplicate: Double = 0, split: Double = 0,
                splitGapSeconds: Double = 0.005, delaySeconds: ClosedRange<Double> = 0...0,
                silences: [ClosedRange<Double>] = []) {
        self.drop = drop
        self.corrupt = corrupt
        self.duplicate = duplicate
        self.split = split
        self.splitGapSeconds = splitGapSeconds
        self.delaySeconds = delaySeconds
        self.silences = silences
    }

    /// A perfect link.
    public static let none = LinkFaults()

    var isNone: Bool { self == .none }
}
