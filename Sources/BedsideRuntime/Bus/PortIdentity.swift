import BedsideDriver
import BedsideModel

extension DeviceIdentity {
    /// The identity a port starts with before the device says anything: the driver's name and
    /// vendor, where it is connected, and the zone its clock is read in (from `configuration`), so
    /// every record names the zone its device times were resolved in.
    public static func port(_ path: String?, driver descriptor: DriverDescriptor, configuration: DriverConfiguration,
                            portID: String? = nil, location: String? = nil) -> DeviceIdentity {
        DeviceIdentity(driver: descriptor.name, vendor: descriptor.vendor, port: path, portID: portID,
                       location: location, timeZone: configuration.deviceTimeZone.identifier)
    }
}
