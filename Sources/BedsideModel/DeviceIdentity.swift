/// Who produced a record: the driver that decoded it, what the device says it is, and where it is
/// connected.
public struct DeviceIdentity: Hashable, Sendable {
    /// Stable device id in EUI-64 form (16 upper-case hex digits), for HL7 OBX-18: derived from the
    /// serial number and model the device reports, or, until it reports them, from the bound port
    /// (see ``DeviceIdentifier``).
    public var id: String?
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
    /// The device behind the port this identity belongs to, for ports with several (`pillar1/slot3`).
    public var subdevice: String?
    /// The IANA zone the device's clock is read in (`Europe/Berlin`).
    public var timeZone: String?
    /// The device is a simulator: nothing it sends is about a patient.
    public var simulated: Bool

    public init(
        id: String? = nil, driver: String, vendor: String, model: String? = nil, serialNumber: String? = nil,
        softwareVersion: String? = nil, port: String? = nil, portID: String? = nil, location: String? = nil,
        subdevice: String? = nil, timeZone: String? = nil, simulated: Bool = false
    ) {
        self.id = id
        self.driver = driver
        self.vendor = vendor
        self.model = model
        self.serialNumber = serialNumber
        self.softwareVersion = softwareVersion
        self.port = port
        self.portID = portID
        self.location = location
        self.subdevice = subdevice
        self.timeZone = timeZone
        self.simulated = simulated
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
    /// Applies the fields an update knows; fields it leaves `nil` stay as they were, so a fact once
    /// learned never turns back into `null`. Re-derives ``id`` when the serial number becomes known.
    public mutating func apply(_ update: DeviceIdentityUpdate) {
        if let v = update.model, !v.isEmpty { model = v }
        if let v = update.serialNumber, !v.isEmpty { serialNumber = v }
        if let v = update.softwareVersion, !v.isEmpty { softwareVersion = v }
        assignID()
    }

    /// Sets ``id`` from what is known: the device's serial number (with vendor and model) when it
    /// has reported one, otherwise the port binding (port identity, location or path, driver, subdevice).
    public mutating func assignID() {
        if let serialNumber {
            id = DeviceIdentifier.eui64(namespace: "device", parts: [vendor, model ?? "", serialNumber])
        } else {
            id = DeviceIdentifier.eui64(namespace: "port",
                                        parts: [driver, portID ?? location ?? port ?? "", subdevice ?? ""])
        }
    }
}

/// Derives stable EUI-64 device identifiers (IHE PCD OBX-18) without an IEEE company id.
///
/// The first octet is `0x02`: the IEEE "locally administered" bit, which is what an EUI-64 made up
/// by its user must carry. The other 56 bits are a hash (FNV-1a, 64-bit, folded) of the namespace
/// and the parts, so the same device — or, for a device that never tells its serial number, the same
/// port binding — gets the same id in every session and on every bridge.
public enum DeviceIdentifier {
    public static func eui64(namespace: String, parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for b in namespace.utf8 { mix(b) }
        for p in parts {
            mix(0x1f)  // unit separator: ["ab","c"] and ["a","bc"] differ
            for b in p.utf8 { mix(b) }
        }
        let folded = (hash ^ (hash >> 56)) & 0x00FF_FFFF_FFFF_FFFF
        let value = (UInt64(0x02) << 56) | folded
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { out[i] = hex[Int((value >> UInt64(60 - 4 * i)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
