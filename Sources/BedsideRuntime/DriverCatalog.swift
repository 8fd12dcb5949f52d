import BedsideDriver
import GEDatex
import IntelliVue

/// Every driver and simulator this build of the bridge knows, by registry name.
public enum DriverCatalog {
    /// The registry the command line and configuration resolve names against.
    public static let registry = DriverRegistry(drivers: drivers, simulators: simulators)

    static let drivers: [any DeviceDriver.Type] = [GEDatexDriver.self, IntelliVueDriver.self]
    static let simulators: [any DeviceSimulator.Type] = [GEDatexSimulator.self, IntelliVueSimulator.self]
}
