import BedsideModel
import Foundation

/// A device time zone from the system's zone database (IANA names such as `Europe/Berlin`),
/// daylight-saving correct, for `--time-zone`.
public struct IANADeviceTimeZone: DeviceTimeZone {
    private let zone: TimeZone

    /// - Throws: ``CommandFailure`` when the system does not know `identifier`.
    public init(identifier: String) throws(CommandFailure) {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CommandFailure(
                "--time-zone \(identifier) is not a time zone this system knows: give an IANA name such as "
                    + "Europe/Berlin or America/New_York (`timedatectl list-timezones` lists them), "
                    + "or --clock-offset SECONDS for a device clock at a fixed offset from UTC",
                exitStatus: .usage)
        }
        self.zone = zone
    }

    /// The host's own zone (what a device set by hand to the clinic's wall clock keeps).
    public static var host: IANADeviceTimeZone {
        IANADeviceTimeZone(zone: TimeZone.current)
    }

    private init(zone: TimeZone) { self.zone = zone }

    public var identifier: String { zone.identifier }

    public func utcOffset(at instant: Timestamp) -> Int32 {
        let seconds = Double(instant.nanosecondsSinceEpoch) / 1e9
        return Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
    }
}

/// The device's zone from `--time-zone` / `--clock-offset` (at most one of them; `nil` when
/// neither is given, and the command's default applies).
public func deviceTimeZone(named name: String?, clockOffsetSeconds: Int64?) throws(CommandFailure) -> (any DeviceTimeZone)? {
    switch (name, clockOffsetSeconds) {
    case (.some, .some):
        throw CommandFailure("give either --time-zone or --clock-offset, not both", exitStatus: .usage)
    case (.some(let name), nil):
        return try IANADeviceTimeZone(identifier: name)
    case (nil, .some(let offset)):
        do throws(OptionCheck.Failure) {
            try OptionCheck.whole(offset, option: "--clock-offset", in: OptionCheck.clockOffsetRange, what: "seconds")
        } catch {
            throw CommandFailure(error.description, exitStatus: .usage)
        }
        // The flag is what to add to the device's clock to get UTC: the zone's offset east is its negation.
        return FixedOffsetTimeZone(offsetSeconds: Int32(-offset))
    case (nil, nil):
        return nil
    }
}
