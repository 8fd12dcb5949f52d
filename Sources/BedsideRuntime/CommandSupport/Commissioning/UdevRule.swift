import BedsideDiscovery

/// The udev rule `bedside udev-rule` prints: a stable symlink `/dev/bedside/NAME` for one port,
/// group `dialout` with mode 0660 (so the unprivileged bridge may open it), and ModemManager told
/// to leave the port alone (its probing would garble a monitor's session).
public enum UdevRule {
    /// What identifies the port in the rule.
    public enum Key: String, Sendable, CaseIterable {
        /// The adapter's vendor, product and serial number (and interface on multi-port adapters):
        /// the name follows the adapter to any socket.
        case serial
        /// The physical path (hub socket): the name stays with the socket when adapters are swapped.
        case path
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The key used when none is asked for: the serial number when the adapter has one.
    public static func defaultKey(for port: SerialPortInfo) -> Key {
        port.serialNumber == nil ? .path : .serial
    }

    /// The rule file's text.
    ///
    /// - Throws: ``Failure`` for a name that is not a plain file name, or a port without the
    ///   identity the key needs.
    public static func make(port: SerialPortInfo, name: String, key: Key? = nil) throws(Failure) -> String {
        guard !name.isEmpty, name.utf8.count <= 64,
              name.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
                  || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }),
              name.first != "." else {
            throw Failure(description: "--name '\(name)' must be a plain name of letters, digits, '-', '_' or '.' (e.g. chair-3)")
        }
        let key = key ?? defaultKey(for: port)
        var match = ["SUBSYSTEM==\"tty\""]
        switch key {
        case .serial:
            guard let vendor = port.vendorID, let product = port.modelID, let serial = port.serialNumber else {
                throw Failure(description: "\(port.devnode) has no USB serial number to match on; use --by path (its hub socket)")
            }
            match += ["ATTRS{idVendor}==\"\(vendor)\"", "ATTRS{idProduct}==\"\(product)\"", "ATTRS{serial}==\"\(serial)\""]
            if let interface = port.interfaceNumber, port.usbDriver != "cdc_acm" || interface != "00" {
                match.append("ENV{ID_USB_INTERFACE_NUM}==\"\(interface)\"")
            }
        case .path:
            guard let path = port.physicalPath else {
                throw Failure(description: "\(port.devnode) has no physical path (ID_PATH) from udev; use --by serial")
            }
            match.append("ENV{ID_PATH}==\"\(path)\"")
        }
        let actions = ["SYMLINK+=\"bedside/\(name)\"", "GROUP=\"dialout\"", "MODE=\"0660\"", "ENV{ID_MM_DEVICE_IGNORE}=\"1\""]
        let file = "/etc/udev/rules.d/70-bedside-\(name).rules"
        let described = [port.adapterSummary, port.serialNumber.map { "serial \($0)" },
                         port.interfaceNumber.map { "interface \($0)" }, port.physicalPath.map { "socket \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        return """
            # Bedside Bridge: /dev/bedside/\(name) for \(port.devnode) (\(described)),
            # matched by its \(key == .serial ? "adapter's serial number (follows the adapter to any socket)" : "hub socket (stays with the socket when the adapter is swapped)").
            # Install as root:
            #   bedside udev-rule \(port.devnode) --name \(name)\(key == defaultKey(for: port) ? "" : " --by \(key.rawValue)") > \(file)
            #   udevadm control --reload && udevadm trigger --subsystem-match=tty
            # then bind it in the bridge's configuration with  device: /dev/bedside/\(name)
            \((match + actions).joined(separator: ", "))

            """
    }

    /// The port `name` refers to: its device node or one of its links.
    public static func find(_ name: String, in ports: [SerialPortInfo]) -> SerialPortInfo? {
        ports.first { $0.devnode == name || $0.byIDLinks.contains(name) || $0.byPathLinks.contains(name) }
            ?? ports.first { $0.kernelName == name }
    }
}
