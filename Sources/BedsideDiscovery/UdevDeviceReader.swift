import CUdev

/// Reads a `udev_device` of the `tty` subsystem into a ``SerialPortInfo``.
///
/// udevd's properties come first; when they are missing (no udevd), the USB parent's sysfs
/// attributes give the same facts. On a `remove` event sysfs is already gone, so only the
/// properties the event carries are used.
enum UdevDeviceReader {
    static func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }

    static func property(_ device: OpaquePointer, _ name: String) -> String? {
        string(udev_device_get_property_value(device, name))
    }

    static func attribute(_ device: OpaquePointer?, _ name: String) -> String? {
        guard let device else { return nil }
        return string(udev_device_get_sysattr_value(device, name))?.trimmingWhitespace()
    }

    /// Whether the port is one to offer: it has a node and a device behind it. Virtual terminals,
    /// `/dev/tty`, `/dev/console` and `ptmx` have no parent device; the built-in `ttyS*` that
    /// every PC kernel creates have one but report UART type 0 (no UART behind them).
    static func isOffered(_ device: OpaquePointer) -> Bool {
        guard string(udev_device_get_devnode(device)) != nil,
              let sysPath = string(udev_device_get_syspath(device)) else { return false }
        if sysPath.contains("/devices/virtual/") { return false }
        if udev_device_get_parent(device) == nil { return false }
        if let type = attribute(device, "type"), type == "0", property(device, "ID_BUS") == nil { return false }
        return true
    }

    static func read(_ device: OpaquePointer) -> SerialPortInfo? {
        guard let devnode = string(udev_device_get_devnode(device)) ?? property(device, "DEVNAME"),
              let sysPath = string(udev_device_get_syspath(device)) else { return nil }
        let usb = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
        let interface = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_interface")

        var info = SerialPortInfo(devnode: devnode, sysPath: sysPath)
        info.vendorID = property(device, "ID_VENDOR_ID") ?? attribute(usb, "idVendor")
        info.modelID = property(device, "ID_MODEL_ID") ?? attribute(usb, "idProduct")
        info.vendorName = property(device, "ID_VENDOR_FROM_DATABASE").map(unescape)
            ?? attribute(usb, "manufacturer") ?? property(device, "ID_VENDOR").map(unescape)
        info.modelName = attribute(usb, "product") ?? property(device, "ID_MODEL_FROM_DATABASE").map(unescape)
            ?? property(device, "ID_MODEL").map(unescape)
        info.serialNumber = property(device, "ID_SERIAL_SHORT") ?? attribute(usb, "serial")
        info.interfaceNumber = property(device, "ID_USB_INTERFACE_NUM") ?? attribute(interface, "bInterfaceNumber")
        info.physicalPath = property(device, "ID_PATH")
        info.usbDriver = property(device, "ID_USB_DRIVER")
            ?? interface.flatMap { string(udev_device_get_driver($0)) }
        info.bus = property(device, "ID_BUS") ?? (usb != nil ? "usb" : parentSubsystem(device))

        var links: [String] = []
        var entry = udev_device_get_devlinks_list_entry(device)
        while let e = entry {
            if let name = string(udev_list_entry_get_name(e)) { links.append(name) }
            entry = udev_list_entry_get_next(e)
        }
        if links.isEmpty, let devlinks = property(device, "DEVLINKS") {
            links = devlinks.split(separator: " ").map(String.init)
        }
        links.sort()
        info.byIDLinks = links.filter { $0.hasPrefix("/dev/serial/by-id/") }
        info.byPathLinks = links.filter { $0.hasPrefix("/dev/serial/by-path/") }
        return info
    }

    private static func parentSubsystem(_ device: OpaquePointer) -> String? {
        udev_device_get_parent(device).flatMap { string(udev_device_get_subsystem($0)) }
    }

    /// udev escapes spaces and other characters in `ID_VENDOR`/`ID_MODEL` as `_`; the `_ENC`
    /// forms use `\x20`. Underscores are turned back into spaces for display.
    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "_", with: " ")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let f = scalars.first, f.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
