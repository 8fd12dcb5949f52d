import BedsideDiscovery
import Testing

/// Ports as the fixtures in HardwareFixtures/udev describe them.
enum SamplePorts {
    static let ftdi = SerialPortInfo(
        devnode: "/dev/ttyUSB0", sysPath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0",
        vendorID: "0403", modelID: "6001", vendorName: "FTDI", modelName: "FT232R USB UART", serialNumber: "A50285BI",
        interfaceNumber: "00", physicalPath: "pci-0000:00:14.0-usb-0:2:1.0", usbDriver: "ftdi_sio", bus: "usb",
        byIDLinks: ["/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"],
        byPathLinks: ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"])

    static func quad(_ i: Int) -> SerialPortInfo {
        SerialPortInfo(
            devnode: "/dev/ttyUSB\(4 + i)", sysPath: "/sys/devices/x/1-7:1.\(i)/ttyUSB\(4 + i)/tty/ttyUSB\(4 + i)",
            vendorID: "0403", modelID: "6011", serialNumber: "FT4232A1", interfaceNumber: "0\(i)",
            physicalPath: "pci-0000:00:14.0-usb-0:7:1.\(i)", usbDriver: "ftdi_sio",
            byIDLinks: ["/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4232A1-if0\(i)-port0"],
            byPathLinks: ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:7:1.\(i)-port0"])
    }
}

@Suite("binding rules")
struct PortBindingResolverTests {
    @Test("each kind of rule matches the port fact it names, and only that")
    func matching() {
        let p = SamplePorts.ftdi
        #expect(PortMatch.serialNumber("A50285BI", interface: nil).matches(p))
        #expect(PortMatch.serialNumber("A50285BI", interface: "00").matches(p))
        #expect(PortMatch.serialNumber("A50285BI", interface: "0").matches(p))
        #expect(!PortMatch.serialNumber("A50285BI", interface: "01").matches(p))
        #expect(!PortMatch.serialNumber("A50285B", interface: nil).matches(p))
        #expect(PortMatch.physicalPath("pci-0000:00:14.0-usb-0:2:1.0").matches(p))
        #expect(PortMatch.physicalPath("/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0").matches(p))
        #expect(!PortMatch.physicalPath("pci-0000:00:14.0-usb-0:3:1.0").matches(p))
        #expect(PortMatch.byIDLink("/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0").matches(p))
        #expect(PortMatch.byIDLink("usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0").matches(p))
        #expect(!PortMatch.byIDLink("usb-FTDI_FT232R_USB_UART_A50285BI-if01-port0").matches(p))
        #expect(PortMatch.devicePath("/dev/ttyUSB0").matches(p))
        #expect(PortMatch.devicePath("/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0").matches(p))
        #expect(!PortMatch.devicePath("/dev/ttyUSB1").matches(p))
    }

    @Test("the most specific matching rule wins and the explanation names the losers")
    func specificity() {
        let rules: [PortMatch] = [
            .devicePath("/dev/ttyUSB0"),
            .physicalPath("pci-0000:00:14.0-usb-0:2:1.0"),
            .serialNumber("A50285BI", interface: nil),
        ]
        let d = PortBindingResolver.resolve(ports: [SamplePorts.ftdi], rules: rules)[0]
        #expect(d.outcome == .bound(rule: 2))
        #expect(d.explanation.contains("binding 3"))
        #expect(d.explanation.contains("A50285BI (ID_SERIAL_SHORT)"))
        #expect(d.explanation.contains("more specific than binding 1 (device path /dev/ttyUSB0), binding 2 (physical path"))

        let withLink = rules + [.byIDLink("usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0")]
        #expect(PortBindingResolver.resolve(ports: [SamplePorts.ftdi], rules: withLink)[0].outcome == .bound(rule: 3))
        // Rule order does not matter, only rank.
        #expect(PortBindingResolver.resolve(ports: [SamplePorts.ftdi], rules: rules.reversed())[0].outcome == .bound(rule: 0))
    }

    @Test("a serial number without interface on a four-port adapter binds none of its ports")
    func multiPortAmbiguity() {
        let ports = (0..<4).map(SamplePorts.quad)
        let decisions = PortBindingResolver.resolve(ports: ports, rules: [.serialNumber("FT4232A1", interface: nil)])
        for (i, d) in decisions.enumerated() {
            guard case .ambiguous(let rule, let others) = d.outcome else {
                Issue.record("port \(i): \(d.outcome)")
                continue
            }
            #expect(rule == 0)
            #expect(others.count == 3)
            #expect(d.boundRule == nil)
            #expect(d.explanation.contains("interface: \"0\(i)\""))
        }
        // Naming the interface binds exactly that port; the others stay unbound.
        let named = PortBindingResolver.resolve(ports: ports, rules: [.serialNumber("FT4232A1", interface: "02")])
        #expect(named.map(\.boundRule) == [nil, nil, 0, nil])
        // A serial-only rule still serves as fallback for the ports no interface rule names… when only one is left.
        let mixed = PortBindingResolver.resolve(ports: ports, rules: [
            .serialNumber("FT4232A1", interface: "00"), .physicalPath("pci-0000:00:14.0-usb-0:7:1.1"),
        ])
        #expect(mixed.map(\.boundRule) == [0, 1, nil, nil])
    }

    @Test("device-path rules naming no listed port are opened directly")
    func directRules() {
        let rules: [PortMatch] = [.devicePath("/dev/pts/7"), .devicePath("/dev/ttyUSB0"), .serialNumber("X", interface: nil)]
        #expect(PortBindingResolver.directRules(ports: [SamplePorts.ftdi], rules: rules) == [0])
        #expect(PortBindingResolver.directRules(ports: [], rules: rules) == [0, 1])
    }

    @Test("unbound ports say so")
    func unbound() {
        let d = PortBindingResolver.resolve(ports: [SamplePorts.ftdi], rules: [.serialNumber("OTHER", interface: nil)])[0]
        #expect(d.outcome == .unbound)
        #expect(d.explanation.contains("not opened"))
    }
}
