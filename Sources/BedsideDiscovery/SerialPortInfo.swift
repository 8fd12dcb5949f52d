/// A serial port as udev describes it: where its node is, what adapter is behind it, and the
/// stable names it can be bound by.
///
/// Filled from udev's properties (`ID_*`, `DEVLINKS`) when udevd has processed the device, and
/// from the kernel's sysfs attributes of the USB parent otherwise (a system without udevd, a
/// container), so the adapter's identity is known either way; the `/dev/serial/by-*` links exist
/// only where udevd made them.
public struct SerialPortInfo: Hashable, Sendable {
    /// The device node, e.g. `/dev/ttyUSB0`.
    public var devnode: String
    /// The kernel's name for the device in sysfs (`/sys/devices/…/tty/ttyUSB0`): unique while plugged in.
    public var sysPath: String
    /// USB vendor and product ids, four lower-case hex digits (`0403`, `6001`).
    public var vendorID: String?
    public var modelID: String?
    /// Names as the adapter reports them (`FTDI`, `FT232R USB UART`).
    public var vendorName: String?
    public var modelName: String?
    /// The adapter's serial number (`ID_SERIAL_SHORT`, or the USB `serial` attribute).
    public var serialNumber: String?
    /// The USB interface the port sits on (`00`, `01`, …): tells the ports of a multi-port adapter apart.
    public var interfaceNumber: String?
    /// The physical path (`ID_PATH`): the host controller and hub socket the adapter is plugged into.
    public var physicalPath: String?
    /// The kernel driver of the adapter (`ftdi_sio`, `pl2303`, `cp210x`, `ch341`, `cdc_acm`).
    public var usbDriver: String?
    /// Bus the port is on (`usb`, `pci`, `platform`).
    public var bus: String?
    /// `/dev/serial/by-id/…` links (udevd names them from vendor, model, serial and interface).
    public var byIDLinks: [String]
    /// `/dev/serial/by-path/…` links (from the physical path).
    public var byPathLinks: [String]

    public init(devnode: String, sysPath: String, vendorID: String? = nil, modelID: String? = nil,
                vendorName: String? = nil, modelName: String? = nil, serialNumber: String? = nil,
                interfaceNumber: String? = nil, physicalPath: String? = nil, usbDriver: String? = nil,
                bus: String? = nil, byIDLinks: [String] = [], byPathLinks: [String] = []) {
        self.devnode = devnode
        self.sysPath = sysPath
        self.vendorID = vendorID
        self.modelID = modelID
        self.vendorName = vendorName
        self.modelName = modelName
        self.serialNumber = serialNumber
        self.interfaceNumber = interfaceNumber
        self.physicalPath = physicalPath
        self.usbDriver = usbDriver
        self.bus = bus
        self.byIDLinks = byIDLinks
        self.byPathLinks = byPathLinks
    }

    /// The kernel's short name (`ttyUSB0`).
    public var kernelName: String {
        devnode.split(separator: "/").last.map(String.init) ?? devnode
    }

    /// `0403:6001`, when both ids are known.
    public var usbID: String? {
        guard let vendorID, let modelID else { return nil }
        return "\(vendorID):\(modelID)"
    }

    /// The adapter in a few words: `FTDI FT232R USB UART (0403:6001, ftdi_sio)`.
    public var adapterSummary: String {
        var words = [vendorName, modelName].compactMap { $0 }.joined(separator: " ")
        let details = [usbID, usbDriver].compactMap { $0 }
        if !details.isEmpty { words += (words.isEmpty ? "" : " ") + "(" + details.joined(separator: ", ") + ")" }
        return words.isEmpty ? "built-in serial port" : words
    }

    /// The most stable name to show or bind by: the by-id link, else the by-path link, else the node.
    public var stableName: String { byIDLinks.first ?? byPathLinks.first ?? devnode }
}
