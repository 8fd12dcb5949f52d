import BedsideModel
import BedsideRuntime

/// Creates the capture file for a live session (`run --capture`, `capture --output`).
func makeCaptureRecorder(path: String, driver: String, vendor: String, settings: SerialSettings, port: String,
                         location: String?, driverOptions: String) throws -> CaptureFileRecorder {
    let identity = DeviceIdentity(driver: driver, vendor: vendor, port: port, location: location)
    return try CaptureFileRecorder.create(path: path, driver: driver, settings: settings, identity: identity,
                                          note: "recorded by bedside from \(port)"
                                            + (driverOptions.isEmpty ? "" : "; driver options: \(driverOptions)"))
}
