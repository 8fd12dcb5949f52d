/// A point in time as nanoseconds since 1970-01-01T00:00:00Z.
///
/// Used both for a device's own clock (``NumericReading/deviceTime``) and for the host's receipt
/// time. Protocol cores never read a clock; whoever drives them passes `Timestamp`s in, which is
/// what makes replay deterministic.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var nanosecondsSinceEpoch: Int64

    @inlinable
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public init(secondsSinceEpoch seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanosecondsSinceEpoch = seconds * 1_000_000_000 + nanoseconds
    }

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// Whole seconds since the epoch (floor).
    public var secondsSinceEpoch: Int64 {
        let (q, r) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000_000)
        return r < 0 ? q - 1 : q
    }

    @inlinable
    public func adding(nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch + nanoseconds)
    }

    public func adding(seconds: Double) -> Timestamp {
        adding(nanoseconds: Int64((seconds * 1e9).rounded()))
    }

    /// Nanoseconds from `other` to `self` (positive when `self` is later).
    @inlinable
    public func nanoseconds(since other: Timestamp) -> Int64 {
        nanosecondsSinceEpoch - other.nanosecondsSinceEpoch
    }
}

extension Timestamp: CustomStringConvertible {
    public var description: String { rfc3339 }
}
