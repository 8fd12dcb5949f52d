/// A serial port that appeared or went away, as the udev monitor reported it.
public struct HotplugEvent: Hashable, Sendable {
    public enum Action: String, Hashable, Sendable {
        case add, remove, change
    }

    public var action: Action
    /// The port's identity; on `remove`, what the event carried (sysfs is already gone).
    public var port: SerialPortInfo

    public init(action: Action, port: SerialPortInfo) {
        self.action = action
        self.port = port
    }
}
