/// How a binding names its port. The kinds rank by how precisely they name one adapter's port;
/// when several rules match a port, the highest rank wins (``PortBindingResolver``).
public enum PortMatch: Hashable, Sendable {
    /// A `/dev/serial/by-id/…` link (or just its file name): one adapter model, serial number,
    /// interface and port. Follows the adapter to any socket.
    case byIDLink(String)
    /// The adapter's USB serial number (`ID_SERIAL_SHORT`), and for a multi-port adapter the
    /// interface (`00`, `01`, …). Follows the adapter to any socket.
    case serialNumber(String, interface: String?)
    /// The physical path (`ID_PATH`, or a `/dev/serial/by-path/…` link): the hub socket. A chair
    /// keeps its socket when its adapter is swapped.
    case physicalPath(String)
    /// A device node or any path to one (`/dev/ttyUSB0`, a pseudo-terminal, a link made by a udev
    /// rule). Node numbers change when adapters are re-plugged: for ports udev does not see
    /// (simulators on ptys) or as a last resort.
    case devicePath(String)

    /// Higher is more specific.
    public var rank: Int {
        switch self {
        case .byIDLink: 4
        case .serialNumber(_, let interface): interface == nil ? 2 : 3
        case .physicalPath: 1
        case .devicePath: 0
        }
    }

    /// Whether this rule names `port`.
    public func matches(_ port: SerialPortInfo) -> Bool {
        switch self {
        case .byIDLink(let link):
            return port.byIDLinks.contains { $0 == link || $0.hasSuffix("/" + link) }
        case .serialNumber(let serial, let interface):
            guard port.serialNumber == serial else { return false }
            guard let interface else { return true }
            return port.interfaceNumber.map { Int($0, radix: 16) == Int(interface, radix: 16) } ?? false
        case .physicalPath(let path):
            if path.hasPrefix("/dev/serial/by-path/") { return port.byPathLinks.contains(path) }
            guard let own = port.physicalPath else {
                return port.byPathLinks.contains { $0.hasSuffix("/" + path) || $0.hasSuffix("/" + path + "-port0") }
            }
            return own == path
        case .devicePath(let path):
            return port.devnode == path || port.byIDLinks.contains(path) || port.byPathLinks.contains(path)
        }
    }

    /// The rule as a person would say it, for `bedside ports` and logs.
    public var summary: String {
        switch self {
        case .byIDLink(let link): "by-id link \(link)"
        case .serialNumber(let serial, let interface?): "USB serial number \(serial), interface \(interface)"
        case .serialNumber(let serial, nil): "USB serial number \(serial)"
        case .physicalPath(let path): "physical path \(path)"
        case .devicePath(let path): "device path \(path)"
        }
    }

    /// Why the rule names this port (which of the port's facts it matched).
    public func reason(for port: SerialPortInfo) -> String {
        switch self {
        case .byIDLink: "its by-id link is \(port.byIDLinks.first ?? "?")"
        case .serialNumber(_, let interface?):
            "its adapter's serial number is \(port.serialNumber ?? "?") (ID_SERIAL_SHORT) on interface \(interface)"
        case .serialNumber: "its adapter's serial number is \(port.serialNumber ?? "?") (ID_SERIAL_SHORT)"
        case .physicalPath: "it is plugged into \(port.physicalPath ?? port.byPathLinks.first ?? "?") (ID_PATH, the hub socket)"
        case .devicePath(let path): path == port.devnode ? "its device node is \(path)" : "\(path) links to it"
        }
    }
}
