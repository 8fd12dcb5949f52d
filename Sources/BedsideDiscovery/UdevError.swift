/// libudev could not be used.
public enum UdevError: Error, Equatable, CustomStringConvertible {
    /// `udev_new` or a monitor/enumeration call returned nothing.
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let what):
            "udev is not usable (\(what)); the bridge needs /sys mounted and libudev installed "
                + "(Debian: apt install libudev1); ports can still be named by device path"
        }
    }
}
