import BedsideDriver
import BedsideModel
import BedsideRuntime
import BedsideSerial
import Logging

/// Opens a tty for a driver and prepares its pipeline on the bus.
func openPort(
    path: String, driverType: any DeviceDriver.Type, configuration: DriverConfiguration, settings: SerialSettings,
    location: String?, bus: FeedBus, clock: BridgeClock, recorder: (any TrafficRecorder)? = nil,
    exclusive: Bool = true
) async throws -> OpenedPort {
    let descriptor = driverType.descriptor
    let port = try SerialPort.open(path: path, options: SerialPortOptions(settings: settings, exclusive: exclusive))
    let channel: NIOAsyncChannelOfBytes
    do {
        channel = try await port.makeAsyncChannel()
    } catch {
        port.close()
        throw error
    }
    let identity = DeviceIdentity(driver: descriptor.name, vendor: descriptor.vendor, port: path, location: location)
    let source = bus.addSource(identity: identity)
    var logger = Logger(label: "bedside.pipeline")
    if let location { logger[metadataKey: "location"] = "\(location)" }
    let pipeline = PortPipeline(driver: driverType.supervised(configuration: configuration), source: source, clock: clock,
                                recorder: recorder, logger: logger)
    return OpenedPort(pipeline: pipeline, channel: channel, source: source)
}
