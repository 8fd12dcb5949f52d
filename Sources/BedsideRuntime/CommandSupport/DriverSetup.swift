import BedsideDriver
import BedsideModel

/// A driver chosen on the command line, its options checked once, ready to make a fresh driver
/// for every session of a port.
///
/// Going through ``DriverRegistry/makeDriver(named:configuration:)`` means an unknown or malformed
/// `--option` stops the command before anything is opened, with an error naming what the driver
/// accepts, and every driver runs wrapped by the bridge's ledger.
public struct DriverSetup: Sendable {
    public let type: any DeviceDriver.Type
    public let configuration: DriverConfiguration

    public init(name: String, configuration: DriverConfiguration,
                registry: DriverRegistry = DriverCatalog.registry) throws(DriverRegistryError) {
        _ = try registry.makeDriver(named: name, configuration: configuration)
        self.type = try registry.driverType(named: name)
        self.configuration = configuration
    }

    public var descriptor: DriverDescriptor { type.descriptor }

    /// A fresh, supervised driver (what the registry made when the options were checked).
    @Sendable public func makeDriver() -> any DeviceDriver { type.supervised(configuration: configuration) }
}

/// `--option key=value` arguments as a dictionary.
///
/// - Throws: ``CommandFailure`` for an argument without `=`, an empty key, or a key given twice
///   (which value was meant is unknowable, so neither is taken).
public func parseKeyValueOptions(_ options: [String], flag: String = "--option") throws(CommandFailure) -> [String: String] {
    var dict: [String: String] = [:]
    for o in options {
        guard let eq = o.firstIndex(of: "="), eq != o.startIndex else {
            throw CommandFailure("\(flag) needs key=value, got '\(o)'", exitStatus: .usage)
        }
        let key = String(o[..<eq])
        guard dict[key] == nil else {
            throw CommandFailure("\(flag) \(key) is given twice; give it once", exitStatus: .usage)
        }
        dict[key] = String(o[o.index(after: eq)...])
    }
    return dict
}
