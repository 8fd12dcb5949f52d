import Glibc

/// A process that holds a serial port, as named in a ``SerialPortError/busy(_:holder:)`` error.
public struct PortHolder: Sendable, Equatable, CustomStringConvertible {
    /// Its process id.
    public var pid: pid_t
    /// Its command name (`/proc/PID/comm`), when it could be read.
    public var command: String?

    public init(pid: pid_t, command: String? = nil) {
        self.pid = pid
        self.command = command
    }

    /// The process `pid`, with its command name read from `/proc`.
    static func process(_ pid: pid_t) -> PortHolder {
        let comm = SmallFile.text(at: "/proc/\(pid)/comm", limit: 64)?
            .split(whereSeparator: \.isNewline).first.map(String.init)
        return PortHolder(pid: pid, command: comm?.isEmpty == false ? comm : nil)
    }

    /// Whether the holder is this very process (another open of the same port in this bridge).
    public var isThisProcess: Bool { pid == getpid() }

    /// "PID 1234 (bedside)".
    public var description: String { "PID \(pid)" + (command.map { " (\($0))" } ?? "") }
}
