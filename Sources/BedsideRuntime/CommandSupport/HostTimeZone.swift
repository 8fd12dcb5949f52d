import BedsideModel
import Foundation

/// The device's zone from `--time-zone` / `--clock-offset` (at most one of them; `nil` when
/// neither is given, and the command's default applies).
public func deviceTimeZone(named name: String?, clockOffsetSeconds: Int64?) throws(CommandFailure) -> (any DeviceTimeZone)? {
    switch (name, clockOffsetSeconds) {
    case (.some, .some):
        throw CommandFailure("give either --time-zone or --clock-offset, not both", exitStatus: .usage)
    case (.some(let name), nil):
        do throws(DeviceTimeZoneError) {
            return try SystemTimeZone(identifier: name)
        } catch {
            throw CommandFailure("--time-zone: \(error.description)", exitStatus: .usage)
        }
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
