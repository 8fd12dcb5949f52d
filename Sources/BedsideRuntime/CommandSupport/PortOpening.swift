import BedsidePlatform
import BedsideDriver
import BedsideModel
import BedsideSerial
import Logging
import NIOCore

public typealias NIOAsyncChannelOfBytes = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// Opens a tty with the bridge's options, turning a refused open into an error that says what to
/// do (with the device's real owner and mode when permission is denied).
public func openSerialChannel(path: String, settings: SerialSettings, exclusive: Bool) async throws -> NIOAsyncChannelOfBytes {
    try await openSerialPort(path: path, settings: settings, exclusive: exclusive).channel
}

/// Opens a tty as ``openSerialChannel(path:settings:exclusive:)`` does, together with the line
/// controller that carries out a driver's DTR/RTS, BREAK and baud requests on it. A `tcp://host:port`
/// path connects to a device's TCP port instead (``TCPEndpoint``; no line control).
public func openSerialPort(path: String, settings: SerialSettings, exclusive: Bool) async throws
    -> (channel: NIOAsyncChannelOfBytes, lineController: (any LineController)?)
{
    if let endpoint = TCPEndpoint(portArgument: path) { return (try await openTCPChannel(endpoint), nil) }
    let port: SerialPort
    do {
        port = try SerialPort.open(path: path, options: SerialPortOptions(settings: settings, exclusive: exclusive))
    } catch .permissionDenied(let denied) {
        throw CommandFailure(PermissionDiagnosis.explain(path: denied))
    }
    do {
        return (try await port.makeAsyncChannel(), SerialLineController(port: port))
    } catch {
        port.close()
        throw ResourceExhaustion.explain(error, doing: "opening \(path)")
    }
}

/// Opens a tty for a driver and prepares its pipeline on the bus.
///
/// - Parameter simulated: the device on the other end is one of the bridge's simulators; every
///   record of this port says so (`device.simulated`).
public func openPort(
    path: String, driver: DriverSetup, settings: SerialSettings, location: String?, bus: FeedBus, clock: BridgeClock,
    recorder: (any TrafficRecorder)? = nil, exclusive: Bool = true, simulated: Bool = false
) async throws -> OpenedPort {
    let (channel, lineController) = try await openSerialPort(path: path, settings: settings, exclusive: exclusive)
    let source = bus.addSource(identity: portIdentity(driver: driver, path: path, location: location, simulated: simulated),
                               origin: simulated ? .simulated : .live)
    let pipeline = PortPipeline(driver: driver.makeDriver(), source: source, clock: clock,
                                recorder: recorder, lineController: lineController, logger: pipelineLogger(location: location))
    return OpenedPort(pipeline: pipeline, channel: channel, source: source)
}

/// The identity a port's records start with, before the device tells more about itself.
public func portIdentity(driver: DriverSetup, path: String, location: String?, simulated: Bool = false) -> DeviceIdentity {
    DeviceIdentity(driver: driver.descriptor.name, vendor: driver.descriptor.vendor, port: path, location: location,
                   timeZone: driver.configuration.deviceTimeZone.identifier, simulated: simulated)
}

func pipelineLogger(location: String?) -> Logger {
    var logger = Logger(label: "bedside.pipeline")
    if let location { logger[metadataKey: "location"] = "\(location)" }
    return logger
}
