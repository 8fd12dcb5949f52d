import Glibc

/// Why a serial port or pseudo-terminal could not be opened or configured.
///
/// Every case says what happened and what to do about it, so the command line can print
/// ``description`` as is.
public enum SerialPortError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No device at this path (unplugged, or a typo).
    case notFound(String)
    /// The user may not open the device (not in the `dialout` group).
    case permissionDenied(String)
    /// Another program, or another open in this one, holds the port (its exclusive open or lock
    /// refused ours). `holder` names the process when it could be found.
    case busy(String, holder: PortHolder? = nil)
    /// The path exists but is not a terminal device, so it has no line settings.
    case notATerminal(String)
    /// A setting the port or its driver cannot apply (an unsupported baud rate, 9 data bits, …).
    case unsupportedSetting(String)
    /// The port was already closed or handed over to an event loop.
    case closed(String)
    /// Any other failing system call, with its `errno`.
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "serial port \(path) does not exist: check the cable and adapter are plugged in and the path is right (`ls /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/`)"
        case .permissionDenied(let path):
            return "permission denied opening \(path): add the user to the dialout group, e.g. `sudo usermod -aG dialout $USER`, then log in again"
        case .busy(let path, holder: nil):
            return "serial port \(path) is busy: it is in use by another program (find it with `lsof \(path)` or `fuser \(path)`) and stop that program first"
        case .busy(let path, holder: let holder?) where holder.isThisProcess:
            return "serial port \(path) is busy: this bridge (\(holder)) already has it open; give each port to one session only"
        case .busy(let path, holder: let holder?):
            return "serial port \(path) is busy: in use by \(holder); stop that program (e.g. `kill \(holder.pid)`) or use another port"
        case .notATerminal(let path):
            return "\(path) is not a serial port or terminal device, so it has no line settings; give the path of a tty (e.g. /dev/ttyUSB0)"
        case .unsupportedSetting(let what):
            return "unsupported serial setting: \(what)"
        case .closed(let path):
            return "serial port \(path) is already closed or owned by an event loop"
        case .system(let operation, let code):
            return "\(operation) failed: \(Self.errnoText(code)) (errno \(code))"
        }
    }

    /// Maps the `errno` of a failed `open(2)`/`ioctl(2)` on `path` to the case that explains it.
    public static func fromErrno(_ code: Int32, path: String, operation: String) -> SerialPortError {
        switch code {
        case ENOENT, ENODEV, ENXIO: return .notFound(path)
        case EACCES, EPERM: return .permissionDenied(path)
        case EBUSY: return .busy(path)
        case ENOTTY: return .notATerminal(path)
        default: return .system(operation: "\(operation) \(path)", errno: code)
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
