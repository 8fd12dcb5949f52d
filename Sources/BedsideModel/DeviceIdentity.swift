/// Who produced a record: the driver that decoded it, what the device says it is, and where it is
/// connected.
public struct DeviceIdentity: Hashable, Sendable {
    /// Registry name of the driver, e.g. `ge-datex`.
    public var driver: String
    public var vendor: String
    public var model: String?
    public var serialNumber: String?
    public var softwareVersion: String?
    /// The port as the bridge opened it (a device path such as `/dev/ttyUSB0`, or a capture file).
    public var port: String?
    /// A stable identity of the port that survives re-enumeration (udev `ID_PATH` or by-id link).
    public var portID: String?
    /// The clinic location this port is bound to (e.g. `chair-3`).
    public var location: String?

    public init(
        driver: String, vendor: String, model: String? = nil, serialNumber: String? = nil,
        softwareVersion: String? = nil, port: String? = nil, portID: String? = nil, location: String? = nil
    ) {
        self.driver = driver
        self.vendor = vendor
        self.model = model
        self.serialNumber = serialNumber
        self.softwareVersion = softwareVersion
        self.port = port
        self.portID = portID
        self.location = location
    }
}

/// What a driver learned about its device from the protocol itself (an identification message),
/// merged into the port's ``DeviceIdentity`` by the runtime.
public struct DeviceIdentityUpdate: Hashable, Sendable {
    public var model: String?
    public var serialNumber: String?
    public var softwareVersion: String?

    public init(model: String? = nil, serialNumber: String? = nil, softwareVersion: String? = nil) {
        self.model = model
        self.serialNumber = serialNumber
        self.softwareVersion = softwareVersion
    }
}

extension DeviceIdentity {
    /// Applies the fields an update knows; fields it leaves `nil` stay as they were.
    public mutating func apply(_ update: DeviceIdentityUpdate) {
        if let v = update.model { model = v }
        if let v = update.serialNumber { serialNumber = v }
        if let v = update.softwareVersion { softwareVersion = v }
    }
}
