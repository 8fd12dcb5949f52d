import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideSerial
import Logging

/// Descriptors one simulated device holds: the pseudo-terminal's controller and its NIO
/// registration, and room for the bridge's end of the tty when it is hosted in the same process.
public let descriptorsPerSimulatedDevice: UInt64 = 4

/// A device simulator running on the controller side of a fresh pseudo-terminal.
public struct SimulatedDevice: Sendable {
    public let driverName: String
    public let terminal: PseudoTerminal
    public let host: SimulatorHost
    public let channel: NIOAsyncChannelOfBytes

    /// The tty a bridge opens to talk to the simulated device.
    public var devicePath: String { terminal.devicePath }

    /// Line settings to open ``devicePath`` with: the driver's, except the character framing. A
    /// Linux pseudo-terminal always carries 8 data bits without parity and refuses anything
    /// else; bytes pass unchanged either way, so speed, stop bits and flow control are all
    /// that can (and need to) match.
    public static func lineSettings(for driver: any DeviceDriver.Type) -> SerialSettings {
        var settings = driver.descriptor.defaultSerialSettings
        settings.dataBits = 8
        settings.parity = .none
        return settings
    }

    /// - Parameter capture: record the simulator's line to this new `.bbcap` file (as a host sees it).
    public static func start(driver name: String, configuration: SimulatorConfiguration, clock: BridgeClock,
                      capture: String? = nil) async throws -> SimulatedDevice {
        let simulator = try DriverCatalog.registry.makeSimulator(named: name, configuration: configuration)
        return try await start(driver: name, simulator: simulator, clock: clock, capture: capture)
    }

    public static func start(driver name: String, simulator: any DeviceSimulator, clock: BridgeClock, capture: String? = nil,
                      onTransmit: (@Sendable (Int) -> Void)? = nil) async throws -> SimulatedDevice {
        let registry = DriverCatalog.registry
        let settings = lineSettings(for: try registry.driverType(named: name))
        let terminal: PseudoTerminal
        do { terminal = try PseudoTerminal.open(settings: settings) } catch {
            throw ResourceExhaustion.explain(error, doing: "opening a pseudo-terminal for the \(name) simulator")
        }
        do {
            let driverType = try registry.driverType(named: name)
            var recorder: CaptureFileRecorder?
            if let capture {
                do {
                    recorder = try CaptureFileRecorder.create(
                        path: capture, driver: name, settings: settings,
                        identity: DeviceIdentity(driver: name, vendor: driverType.descriptor.vendor,
                                                 port: terminal.devicePath, simulated: true),
                        note: "the \(name) simulator's line, recorded on its pseudo-terminal \(terminal.devicePath) (rx: what the simulator sent)")
                } catch .alreadyExists(let existing) {
                    throw CommandFailure("capture \(existing) already exists and is never overwritten: choose another name")
                }
            }
            let channel: NIOAsyncChannelOfBytes
            do { channel = try await terminal.makeAsyncChannel() } catch {
                throw ResourceExhaustion.explain(error, doing: "starting the \(name) simulator")
            }
            var logger = Logger(label: "bedside.simulator")
            logger[metadataKey: "simulator"] = "\(name)"
            logger[metadataKey: "tty"] = "\(terminal.devicePath)"
            let host = SimulatorHost(simulator: simulator, clock: clock, logger: logger, recorder: recorder,
                                     onTransmit: onTransmit)
            return SimulatedDevice(driverName: name, terminal: terminal, host: host, channel: channel)
        } catch {
            terminal.close()
            throw error
        }
    }

    /// Runs the simulator until ``stop()``; then closes the pseudo-terminal.
    public func run() async throws -> SimulatorHost.Summary {
        defer { terminal.close() }
        return try await host.run(on: channel)
    }

    public func stop() { host.stop() }
}
