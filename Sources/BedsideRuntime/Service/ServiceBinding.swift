import BedsideConfig
import BedsideDiscovery
import BedsideModel

/// A binding of the configuration made ready to run: its driver set up (options checked), its
/// line settings, its capture.
public struct ServiceBinding: Sendable {
    /// 1-based number in the configuration (`bedside ports` names bindings by it).
    public let number: Int
    public let binding: PortBinding
    public let driver: DriverSetup
    public let settings: SerialSettings
    public let exclusive: Bool
    public let capture: SessionCapture?

    /// - Throws: ``CommandFailure`` naming the binding's line when its driver settings are refused.
    public init(number: Int, binding: PortBinding, bridge: BridgeSettings) throws {
        self.number = number
        self.binding = binding
        let tuning = DriverTuning(interval: binding.intervalSeconds.map(Double.init), waveforms: binding.waveforms,
                                  timeZone: binding.timeZone ?? bridge.timeZone, snapshotInterval: bridge.snapshotSeconds,
                                  options: binding.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        do {
            driver = try DriverSetup(name: binding.driver, configuration: try tuning.configuration(
                transmitEnabled: !binding.listenOnly, defaultTimeZone: SystemTimeZone.current))
        } catch {
            throw CommandFailure("binding \(number) (line \(binding.line), \(binding.location)): \(CommandFailure.message(for: error))",
                                 exitStatus: .usage)
        }
        settings = binding.lineSettings.applied(to: driver.descriptor.defaultSerialSettings)
        exclusive = bridge.exclusive
        let (driver, settings) = (self.driver, self.settings)
        capture = try binding.capture.map {
            try SessionCapture(path: $0, rotate: true, driver: driver.descriptor.name, vendor: driver.descriptor.vendor,
                               settings: settings, port: binding.match.summary, location: binding.location,
                               timeZone: driver.configuration.deviceTimeZone.identifier, driverOptions: tuning.commandLine)
        }
    }

    public var location: String { binding.location }

    /// Where the bus should say this binding's records come from.
    var origin: FeedOrigin { binding.simulated ? .simulated : .live }

    /// The identity a session on `devnode` starts with; `portID` is the stable name the binding
    /// matched by (socket, by-id link, adapter serial), which the device id derives from until
    /// the device names itself.
    func identity(devnode: String, port: SerialPortInfo?) -> DeviceIdentity {
        var identity = portIdentity(driver: driver, path: devnode, location: location, simulated: binding.simulated)
        switch binding.match {
        case .physicalPath: identity.portID = port?.physicalPath ?? port?.byPathLinks.first
        case .byIDLink, .serialNumber: identity.portID = port?.byIDLinks.first ?? port?.serialNumber
        case .devicePath: identity.portID = nil
        }
        return identity
    }
}
