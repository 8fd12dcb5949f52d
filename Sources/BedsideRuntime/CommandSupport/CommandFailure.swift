import BedsideCapture
import BedsideDriver
import BedsideSerial

/// A failure the user can act on: the command line prints ``description`` as one line on stderr
/// and exits with ``exitStatus``.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The process exit status this failure ends the command with (see ``BridgeExitStatus``).
    public var exitStatus: BridgeExitStatus

    public init(_ description: String, exitStatus: BridgeExitStatus = .failure) {
        self.description = description
        self.exitStatus = exitStatus
    }

    /// The one line to print for any error a command ends with.
    public static func message(for error: any Error) -> String {
        switch error {
        case let e as CommandFailure: e.description
        case let e as SerialPortError: e.description
        case let e as DriverRegistryError: e.description
        case let e as any CustomStringConvertible: "\(e)"
        default: "\(error)"
        }
    }
}

/// The exit statuses of every `bedside` command (docs/reliability.md lists them).
///
/// One table for all commands, so a service manager or script can tell "wrong command line" from
/// "ran and failed" from "ran, but the capture is not complete".
public enum BridgeExitStatus: Int32, Sendable, CaseIterable {
    /// Done as asked; also when the reader of stdout closed it (there is nobody left to serve).
    case success = 0
    /// The command could not do its job (port, file, driver, device); the message says why.
    case failure = 1
    /// The feed was delivered but the capture file could not be completed (disk full, I/O error):
    /// what was written up to the failure is readable, the rest of the session is missing.
    case captureIncomplete = 3
    /// The command line itself is wrong (unknown option, value out of range); nothing was started.
    case usage = 64
    /// A second Ctrl-C/SIGTERM/SIGHUP: exited without waiting for a clean stop.
    case interruptedAgain = 130
}
