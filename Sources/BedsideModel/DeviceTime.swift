/// A time read from a device's own clock: the instant it denotes, and the UTC offset of the zone the
/// device keeps its clock in.
///
/// Most bedside devices keep local wall-clock time with no zone on the wire. The bridge resolves
/// that wall-clock time in the device's configured time zone (``DeviceTimeZone``) to an instant and
/// keeps the offset that was in force, so the feed can write `2026-03-29T03:30:00+02:00` — the
/// device's own reading and the true instant in one string — instead of pretending it was UTC.
public struct DeviceTime: Hashable, Sendable, Comparable {
    /// The moment the device's clock denotes.
    public var instant: Timestamp
    /// Seconds east of UTC of the device's zone at ``instant``; `nil` when the device's clock is in
    /// UTC by protocol (written with `Z`).
    public var utcOffsetSeconds: Int32?

    public init(instant: Timestamp, utcOffsetSeconds: Int32?) {
        self.instant = instant
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// A device clock that the protocol defines as UTC.
    public static func utc(_ instant: Timestamp) -> DeviceTime {
        DeviceTime(instant: instant, utcOffsetSeconds: nil)
    }

    /// RFC 3339 with the device's offset, e.g. `2018-07-26T17:06:05+02:00`.
    public var rfc3339: String {
        var out = [UInt8]()
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func appendRFC3339(to out: inout [UInt8]) {
        instant.appendRFC3339(to: &out, utcOffsetSeconds: utcOffsetSeconds)
    }

    public static func < (lhs: DeviceTime, rhs: DeviceTime) -> Bool { lhs.instant < rhs.instant }

    /// The same wall-clock reading moved by `nanoseconds` (offset kept).
    public func adding(nanoseconds: Int64) -> DeviceTime {
        DeviceTime(instant: instant.adding(nanoseconds: nanoseconds), utcOffsetSeconds: utcOffsetSeconds)
    }
}

extension DeviceTime: CustomStringConvertible {
    public var description: String { rfc3339 }
}

/// The rules of the zone a device keeps its clock in (an IANA zone such as `Europe/Berlin`,
/// daylight-saving correct), as a pure value drivers can use without reading files or clocks.
///
/// The runtime supplies one backed by the system's zone database; tests and replays of fixed-offset
/// devices use ``FixedOffsetTimeZone``.
public protocol DeviceTimeZone: Sendable {
    /// The zone's name (`Europe/Berlin`, `UTC`, `UTC+02:00`).
    var identifier: String { get }
    /// Seconds east of UTC in force at `instant`.
    func utcOffset(at instant: Timestamp) -> Int32
}

extension DeviceTimeZone {
    /// Resolves a wall-clock reading (`localSeconds` counted as if the wall clock were UTC, plus
    /// `nanoseconds`) to the instant it denotes in this zone.
    ///
    /// In the hour a daylight-saving change repeats, the earlier instant is taken; a reading in the
    /// hour that does not exist (clocks jumped forward) is taken with the offset before the jump,
    /// which is what a device clock that was not yet adjusted shows.
    public func resolve(localSeconds: Int64, nanoseconds: Int64 = 0) -> DeviceTime {
        // Offsets in force a day either side cover both sides of any transition near this reading.
        let before = utcOffset(at: Timestamp(secondsSinceEpoch: localSeconds - 86_400))
        let at = utcOffset(at: Timestamp(secondsSinceEpoch: localSeconds))
        let after = utcOffset(at: Timestamp(secondsSinceEpoch: localSeconds + 86_400))
        let offset: Int32
        if before == at, at == after {
            // One offset all around (most readings): whichever rule below applies, it is this one.
            offset = at
        } else {
            // Repeated hour: the larger consistent offset is the earlier instant. Skipped hour (none
            // consistent): the smallest offset is the one in force before the jump.
            var consistent: Int32?
            for probe in [before, at, after]
            where utcOffset(at: Timestamp(secondsSinceEpoch: localSeconds - Int64(probe))) == probe {
                consistent = max(consistent ?? probe, probe)
            }
            offset = consistent ?? min(before, at, after)
        }
        return DeviceTime(instant: Timestamp(secondsSinceEpoch: localSeconds - Int64(offset), nanoseconds: nanoseconds),
                          utcOffsetSeconds: offset)
    }

    /// Resolves civil date and time fields read from a device.
    public func resolve(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                        nanoseconds: Int64 = 0) -> DeviceTime {
        let days = Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day))
        let local = days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        return resolve(localSeconds: local, nanoseconds: nanoseconds)
    }

    /// The device time for a known instant, with the zone's offset at that instant.
    public func deviceTime(at instant: Timestamp) -> DeviceTime {
        DeviceTime(instant: instant, utcOffsetSeconds: utcOffset(at: instant))
    }
}

/// A zone with one offset all year (`UTC`, or a device configured by `--clock-offset`).
public struct FixedOffsetTimeZone: DeviceTimeZone, Hashable {
    public let offsetSeconds: Int32

    public init(offsetSeconds: Int32) { self.offsetSeconds = offsetSeconds }

    public static let utc = FixedOffsetTimeZone(offsetSeconds: 0)

    public var identifier: String {
        guard offsetSeconds != 0 else { return "UTC" }
        let m = Int(offsetSeconds.magnitude) / 60
        let hh = m / 60 < 10 ? "0\(m / 60)" : "\(m / 60)"
        let mm = m % 60 < 10 ? "0\(m % 60)" : "\(m % 60)"
        return "UTC\(offsetSeconds < 0 ? "-" : "+")\(hh):\(mm)"
    }

    public func utcOffset(at instant: Timestamp) -> Int32 { offsetSeconds }
}
