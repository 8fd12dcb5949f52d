import BedsideModel
import BedsidePlatform
import Foundation

/// A device's time zone from the system's IANA zone database (`Europe/Berlin`), daylight-saving
/// correct: what the runtime hands drivers as ``DriverConfiguration/deviceTimeZone`` so a device's
/// wall-clock readings resolve to the right instant with the offset that was in force.
public struct SystemTimeZone: DeviceTimeZone, Hashable {
    private let zone: TimeZone
    /// The offset last looked up and the instants it holds for: resolving one device reading asks
    /// for up to six offsets, each a zone database query, and consecutive readings ask alike.
    private let lastSpan = Locked<OffsetSpan?>(nil)

    private struct OffsetSpan {
        /// Whole seconds since the epoch, `from` included, `until` (the zone's next transition) not.
        var from: Int64
        var until: Int64
        var offset: Int32
    }

    /// The zone named `identifier` (an IANA name such as `Europe/Berlin` or `America/New_York`).
    ///
    /// - Throws: ``DeviceTimeZoneError/unknownZone(_:)`` when the system's zone database does not
    ///   know the name.
    public init(identifier: String) throws(DeviceTimeZoneError) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else {
            throw .unknownZone(identifier)
        }
        self.zone = zone
    }

    /// The host's own zone: the default for devices, whose clocks are usually set to local time.
    public static var current: SystemTimeZone { SystemTimeZone(zone: TimeZone.current) }

    private init(zone: TimeZone) { self.zone = zone }

    public var identifier: String { zone.identifier }

    public func utcOffset(at instant: Timestamp) -> Int32 {
        // Foundation's zone rules are per second; sub-second instants share their second's offset.
        let seconds = instant.secondsSinceEpoch
        if let span = lastSpan.withLock({ $0 }), seconds >= span.from, seconds < span.until { return span.offset }
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let offset = Int32(zone.secondsFromGMT(for: date))
        // Until the zone's next transition every instant has this offset.
        let until = zone.nextDaylightSavingTimeTransition(after: date)
            .map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? Int64.max
        if until > seconds { lastSpan.withLock { $0 = OffsetSpan(from: seconds, until: until, offset: offset) } }
        return offset
    }

    public static func == (lhs: SystemTimeZone, rhs: SystemTimeZone) -> Bool { lhs.zone == rhs.zone }

    public func hash(into hasher: inout Hasher) { hasher.combine(zone) }
}

/// A device time zone that cannot be used.
public enum DeviceTimeZoneError: Error, Equatable, CustomStringConvertible {
    /// The name is not in the system's time zone database.
    case unknownZone(String)

    public var description: String {
        switch self {
        case .unknownZone(let name):
            "unknown time zone '\(name)': give an IANA zone name such as Europe/Berlin or America/New_York "
                + "(`timedatectl list-timezones` lists them; install the tzdata package if the list is empty)"
        }
    }
}

extension SystemTimeZone {
    /// The zone a `--time-zone` option names; `nil` (option not given) is the host's zone, which is
    /// what a device set to local time by the clinic uses.
    public static func named(_ identifier: String?) throws(DeviceTimeZoneError) -> SystemTimeZone {
        guard let identifier else { return .current }
        return try SystemTimeZone(identifier: identifier)
    }
}
