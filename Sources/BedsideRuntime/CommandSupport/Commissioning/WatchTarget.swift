import BedsideConfig
import BedsideDiscovery
import BedsideModel

/// A port the commissioning commands (`watch`, `verify`) open: where, with which driver and line
/// settings, for which location.
public struct CommissioningPort: Sendable {
    public var path: String
    public var driver: DriverSetup
    public var settings: SerialSettings
    public var location: String?
    public var simulated: Bool

    public init(path: String, driver: DriverSetup, settings: SerialSettings, location: String?, simulated: Bool = false) {
        self.path = path
        self.driver = driver
        self.settings = settings
        self.location = location
        self.simulated = simulated
    }

    /// Finds what `target` names: a location of the configuration (`chair-3`), or a port (node or
    /// link), bound by the configuration or driven with `driver`; `nil` target: every bound port
    /// present now.
    ///
    /// - Throws: ``CommandFailure`` saying what is missing (a driver for an unbound port, a
    ///   location whose adapter is not plugged in).
    public static func resolve(_ target: String?, configuration: BridgeConfiguration?, driver: DriverSetup?,
                               settings: LineSettingsChoice, ports: () throws -> [SerialPortInfo]) throws -> [CommissioningPort] {
        let bindings = try (configuration?.ports ?? []).enumerated().map { i, b in
            try ServiceBinding(number: i + 1, binding: b, bridge: configuration!.bridge)
        }
        // A driver named on the command line wins over the configuration's.
        func port(_ path: String, _ binding: ServiceBinding?) throws -> CommissioningPort {
            if let driver {
                return CommissioningPort(path: path, driver: driver,
                                         settings: try settings.settings(defaults: driver.descriptor.defaultSerialSettings),
                                         location: binding?.location, simulated: binding?.binding.simulated ?? false)
            }
            guard let binding else {
                throw CommandFailure("no binding names \(path): give --driver (`bedside probe \(path)` finds out which), "
                                     + "or bind it in the configuration", exitStatus: .usage)
            }
            return CommissioningPort(path: path, driver: binding.driver,
                                     settings: try settings.settings(defaults: binding.settings), location: binding.location,
                                     simulated: binding.binding.simulated)
        }
        var present: [SerialPortInfo] = []
        var presentLoaded = false
        func presentPorts() throws -> [SerialPortInfo] {
            if !presentLoaded { present = try ports(); presentLoaded = true }
            return present
        }
        func placeOf(_ binding: ServiceBinding) throws -> String? {
            if case .devicePath(let path) = binding.binding.match { return path }
            let list = try presentPorts()
            let decisions = PortBindingResolver.resolve(ports: list, rules: bindings.map(\.binding.match))
            return decisions.first { $0.boundRule == binding.number - 1 }?.port.devnode
        }

        guard let target else {
            let found = try bindings.compactMap { b in try placeOf(b).map { try port($0, b) } }
            if found.isEmpty {
                throw CommandFailure(configuration == nil
                    ? "name a port or location (or give --config FILE with bindings)"
                    : "none of the configuration's bound ports is present; `bedside ports` shows why", exitStatus: .usage)
            }
            return found
        }
        let atLocation = bindings.filter { $0.location == target }
        if !atLocation.isEmpty {
            let found = try atLocation.compactMap { b in try placeOf(b).map { try port($0, b) } }
            if found.isEmpty {
                throw CommandFailure("the port bound to \(target) is not present (adapter unplugged?); `bedside ports` shows the ports there are")
            }
            return found
        }
        if target.hasPrefix("/") {
            let info = UdevRule.find(target, in: (try? presentPorts()) ?? [])
            let binding = bindings.first { b in
                if case .devicePath(let p) = b.binding.match, p == target { return true }
                return info.map { b.binding.match.matches($0) } ?? false
            }
            return [try port(target, binding)]
        }
        throw CommandFailure("'\(target)' is neither a location of the configuration nor a device path (/dev/…)"
                             + (bindings.isEmpty ? "" : "; locations: " + bindings.map(\.location).joined(separator: ", ")),
                             exitStatus: .usage)
    }
}
