import BedsideModel

/// Names drivers and their simulators, so the command line, captures and configuration can refer
/// to a protocol by its registry name (`ge-datex`, `intellivue`).
public struct DriverRegistry: Sendable {
    public let drivers: [any DeviceDriver.Type]
    public let simulators: [any DeviceSimulator.Type]

    public init(drivers: [any DeviceDriver.Type], simulators: [any DeviceSimulator.Type] = []) {
        self.drivers = drivers
        self.simulators = simulators
    }

    public var names: [String] { drivers.map { $0.descriptor.name } }

    public func driverType(named name: String) throws(DriverRegistryError) -> any DeviceDriver.Type {
        guard let t = drivers.first(where: { $0.descriptor.name == name }) else {
            throw .unknownDriver(name, known: names)
        }
        return t
    }

    /// A driver ready to run: its options checked against its declaration, wrapped with the
    /// bridge's ledger (``SupervisedDriver``).
    public func makeDriver(named name: String, configuration: DriverConfiguration = .init())
        throws(DriverRegistryError) -> any DeviceDriver
    {
        let type = try driverType(named: name)
        do throws(DriverOptionError) {
            try DriverOptionSpec.validate(configuration.options, for: type.descriptor)
        } catch {
            throw .invalidOption(error)
        }
        return type.supervised(configuration: configuration)
    }

    public func makeSimulator(named name: String, configuration: SimulatorConfiguration = .init())
        throws(DriverRegistryError) -> any DeviceSimulator
    {
        guard let t = simulators.first(where: { $0.driverName == name }) else {
            throw .noSimulator(name, known: simulators.map { $0.driverName })
        }
        return t.init(configuration: configuration)
    }
}

public enum DriverRegistryError: Error, CustomStringConvertible, Equatable {
    case unknownDriver(String, known: [String])
    case noSimulator(String, known: [String])
    case invalidOption(DriverOptionError)

    public var description: String {
        switch self {
        case .unknownDriver(let n, let known):
            "no driver named '\(n)'; use one of: \(known.joined(separator: ", ")) (`bedside drivers` lists them)"
        case .noSimulator(let n, let known):
            "no simulator for '\(n)'; simulators exist for: \(known.joined(separator: ", "))"
        case .invalidOption(let e):
            e.description
        }
    }
}
