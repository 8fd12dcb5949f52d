import Foundation
import Testing

extension CommissioningCLI {
    /// The real enumeration (libudev) of `bedside ports`, run under umockdev with the adapter
    /// descriptions of HardwareFixtures/udev: exact identity fields per adapter type, ports without
    /// a UART left out, and bindings resolved from a configuration file.
    @Suite("bedside ports under umockdev", .serialized)
    struct PortDiscoveryUmockdevTests {
        static let umockdevRun = "/usr/bin/umockdev-run"
        static var available: Bool { BedsideTool.available && FileManager.default.isExecutableFile(atPath: umockdevRun) }

        static func fixture(_ name: String) -> String {
            BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/udev/\(name).umockdev").path
        }

        /// `bedside ports --json` with the given fixtures loaded; the decoded `ports` array.
        static func ports(_ fixtures: [String], config: String? = nil) throws -> [[String: Any]] {
            let args = fixtures.flatMap { ["-d", fixture($0)] } + ["--", BedsideTool.executable!.path, "ports", "--json"]
                + (config.map { ["--config", $0] } ?? [])
            let result = try BedsideTool.run(args, executable: URL(fileURLWithPath: umockdevRun))
            #expect(result.status == 0, "\(result.stderr)")
            let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return try #require(root["ports"] as? [[String: Any]])
        }

        struct Expected: Sendable, CustomTestStringConvertible {
            var fixture: String
            var devnode: String
            var identity: [String: String]
            var byID: String
            var byPath: String
            var testDescription: String { fixture }
        }

        static let adapters: [Expected] = [
            Expected(fixture: "ftdi-ft232r", devnode: "/dev/ttyUSB0",
                     identity: ["vendorId": "0403", "modelId": "6001", "vendor": "FTDI", "model": "FT232R USB UART",
                                "serial": "A50285BI", "interface": "00", "path": "pci-0000:00:14.0-usb-0:2:1.0",
                                "usbDriver": "ftdi_sio", "bus": "usb"],
                     byID: "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0",
                     byPath: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"),
            Expected(fixture: "prolific-pl2303", devnode: "/dev/ttyUSB1",
                     identity: ["vendorId": "067b", "modelId": "2303", "vendor": "Prolific Technology Inc.",
                                "model": "USB-Serial Controller", "interface": "00", "path": "pci-0000:00:14.0-usb-0:3:1.0",
                                "usbDriver": "pl2303"],
                     byID: "/dev/serial/by-id/usb-Prolific_Technology_Inc._USB-Serial_Controller-if00-port0",
                     byPath: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:3:1.0-port0"),
            Expected(fixture: "silabs-cp2102", devnode: "/dev/ttyUSB2",
                     identity: ["vendorId": "10c4", "modelId": "ea60", "vendor": "Silicon Labs",
                                "model": "CP2102 USB to UART Bridge Controller", "serial": "0001", "interface": "00",
                                "usbDriver": "cp210x"],
                     byID: "/dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0",
                     byPath: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:4:1.0-port0"),
            Expected(fixture: "wch-ch340", devnode: "/dev/ttyUSB3",
                     identity: ["vendorId": "1a86", "modelId": "7523", "vendor": "QinHeng Electronics", "model": "USB Serial",
                                "usbDriver": "ch341"],
                     byID: "/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0",
                     byPath: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:5:1.0-port0"),
            Expected(fixture: "cdc-acm", devnode: "/dev/ttyACM0",
                     identity: ["vendorId": "0483", "modelId": "5740", "serial": "206A3671", "usbDriver": "cdc_acm",
                                "model": "STM32 Virtual ComPort"],
                     byID: "/dev/serial/by-id/usb-STMicroelectronics_STM32_Virtual_ComPort_206A3671-if00",
                     byPath: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:6:1.0"),
        ]

        @Test("each adapter type is listed with its exact identity and links",
              .enabled(if: available, "needs the built bedside and umockdev-run (scripts/install-deps)"),
              arguments: adapters)
        func identity(_ e: Expected) throws {
            let ports = try Self.ports([e.fixture])
            #expect(ports.count == 1)
            let port = try #require(ports.first)
            #expect(port["devnode"] as? String == e.devnode)
            #expect(port["status"] as? String == "unbound")
            let identity = try #require(port["identity"] as? [String: Any])
            for (key, value) in e.identity {
                #expect(identity[key] as? String == value, "\(key)")
            }
            if e.identity["serial"] == nil { #expect(identity["serial"] == nil) }
            #expect(identity["byId"] as? [String] == [e.byID])
            #expect(identity["byPath"] as? [String] == [e.byPath])
        }

        @Test("a four-port FTDI is four ports on one serial number, told apart by interface and path",
              .enabled(if: available, "needs the built bedside and umockdev-run (scripts/install-deps)"))
        func multiPort() throws {
            let ports = try Self.ports(["ftdi-ft4232h"])
            #expect(ports.map { $0["devnode"] as? String } == (4...7).map { "/dev/ttyUSB\($0)" })
            for (i, port) in ports.enumerated() {
                let identity = try #require(port["identity"] as? [String: Any])
                #expect(identity["serial"] as? String == "FT4232A1")
                #expect(identity["interface"] as? String == "0\(i)")
                #expect(identity["path"] as? String == "pci-0000:00:14.0-usb-0:7:1.\(i)")
                #expect(identity["byId"] as? [String] == ["/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4232A1-if0\(i)-port0"])
            }
        }

        @Test("built-in ttyS ports without a UART and virtual terminals are not offered",
              .enabled(if: available, "needs the built bedside and umockdev-run (scripts/install-deps)"))
        func builtIn() throws {
            let ports = try Self.ports(["builtin-ttys"])
            #expect(ports.map { $0["devnode"] as? String } == ["/dev/ttyS0"])
        }

        @Test("a configuration binds the bridge box's ports by the most specific rule and leaves the rest unbound",
              .enabled(if: available, "needs the built bedside and umockdev-run (scripts/install-deps)"))
        func bindings() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-ports-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let config = dir.appendingPathComponent("bedside.yaml").path
            try """
                ports:
                  - path: pci-0000:00:14.0-usb-0:2:1.0
                    driver: ge-datex
                    location: chair-1
                  - serial: A50285BI
                    driver: intellivue
                    location: chair-9
                  - by-id: usb-Prolific_Technology_Inc._USB-Serial_Controller-if00-port0
                    driver: ge-datex
                    location: chair-2
                  - serial: FT4232A1
                    interface: "02"
                    driver: intellivue
                    location: chair-3
                  - device: /dev/pts/4242
                    driver: ge-datex
                    location: demo
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let ports = try Self.ports(["ftdi-ft232r", "prolific-pl2303", "ftdi-ft4232h", "wch-ch340"], config: config)
            let byNode = Dictionary(uniqueKeysWithValues: ports.map { ($0["devnode"] as! String, $0) })
            func binding(_ node: String) -> [String: Any]? { byNode[node]?["binding"] as? [String: Any] }

            // The adapter's serial number beats the socket: the FTDI goes with chair-9's binding.
            #expect(binding("/dev/ttyUSB0")?["location"] as? String == "chair-9")
            #expect(binding("/dev/ttyUSB0")?["number"] as? Int == 2)
            #expect((byNode["/dev/ttyUSB0"]?["explanation"] as? String)?.contains("more specific than binding 1") == true)
            #expect(binding("/dev/ttyUSB1")?["location"] as? String == "chair-2")
            #expect(binding("/dev/ttyUSB6")?["location"] as? String == "chair-3")
            for node in ["/dev/ttyUSB3", "/dev/ttyUSB4", "/dev/ttyUSB5", "/dev/ttyUSB7"] {
                #expect(byNode[node]?["status"] as? String == "unbound", "\(node)")
                #expect(binding(node) == nil)
            }
            #expect(byNode["/dev/pts/4242"]?["status"] as? String == "missing")
        }

        @Test("udev-rule finds the port by its by-id link and prints a rule for it; an unknown port is an error",
              .enabled(if: available, "needs the built bedside and umockdev-run (scripts/install-deps)"))
        func udevRule() throws {
            let run = { (args: [String]) in
                try BedsideTool.run(["-d", Self.fixture("ftdi-ft4232h"), "--", BedsideTool.executable!.path, "udev-rule"] + args,
                                    executable: URL(fileURLWithPath: Self.umockdevRun))
            }
            let ok = try run(["/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4232A1-if01-port0", "--name", "chair-2"])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.lines.last == #"SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6011", ATTRS{serial}=="FT4232A1", ENV{ID_USB_INTERFACE_NUM}=="01", SYMLINK+="bedside/chair-2", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1""#)
            let byPath = try run(["/dev/ttyUSB4", "--name", "chair-1", "--by", "path"])
            #expect(byPath.lines.last?.hasPrefix(#"SUBSYSTEM=="tty", ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:7:1.0""#) == true)
            let missing = try run(["/dev/ttyUSB0", "--name", "chair-1"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("udev lists no serial port /dev/ttyUSB0"))
        }
    }
}
