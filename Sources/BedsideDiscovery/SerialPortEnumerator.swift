import CUdev

/// Lists the serial ports udev knows (the `tty` subsystem), with their identity.
///
/// Built-in ports with no UART behind them and virtual terminals are left out (see
/// ``UdevDeviceReader/isOffered(_:)``). Under umockdev only the described devices are seen.
public enum SerialPortEnumerator {
    /// Every offered serial port, ordered by device node.
    ///
    /// - Throws: ``UdevError`` when libudev cannot be used at all.
    public static func enumerate() throws(UdevError) -> [SerialPortInfo] {
        guard let udev = udev_new() else { throw .unavailable("udev_new failed") }
        defer { udev_unref(udev) }
        guard let enumerate = udev_enumerate_new(udev) else { throw .unavailable("udev_enumerate_new failed") }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "tty")
        guard udev_enumerate_scan_devices(enumerate) >= 0 else { throw .unavailable("cannot scan /sys") }

        var ports: [SerialPortInfo] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let e = entry {
            entry = udev_list_entry_get_next(e)
            guard let sysPath = udev_list_entry_get_name(e),
                  let device = udev_device_new_from_syspath(udev, sysPath) else { continue }
            defer { udev_device_unref(device) }
            guard UdevDeviceReader.isOffered(device), let info = UdevDeviceReader.read(device) else { continue }
            ports.append(info)
        }
        return ports.sorted { naturalOrder($0.devnode, $1.devnode) }
    }

    /// `ttyUSB2` before `ttyUSB10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let (pa, na) = splitTrailingNumber(a), (pb, nb) = splitTrailingNumber(b)
        if pa != pb { return pa < pb }
        return (na ?? -1) < (nb ?? -1)
    }

    private static func splitTrailingNumber(_ s: String) -> (String, Int?) {
        let digits = s.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty else { return (s, nil) }
        return (String(s.dropLast(digits.count)), Int(String(digits.reversed())))
    }
}
