import BedsideDiscovery
import BedsideRuntime
import Testing

@Suite("udev rule")
struct UdevRuleTests {
    static func ruleLine(_ text: String) -> String? {
        text.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init)
    }

    @Test("an adapter with a serial number is matched by vendor, product, serial and interface")
    func bySerial() throws {
        let text = try UdevRule.make(port: SamplePorts.ftdi, name: "chair-3")
        #expect(Self.ruleLine(text) == #"SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ATTRS{serial}=="A50285BI", ENV{ID_USB_INTERFACE_NUM}=="00", SYMLINK+="bedside/chair-3", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1""#)
        #expect(text.contains("> /etc/udev/rules.d/70-bedside-chair-3.rules"))
    }

    @Test("each port of a four-port adapter gets its own interface in the rule")
    func multiPort() throws {
        let text = try UdevRule.make(port: SamplePorts.quad(2), name: "chair-5")
        #expect(Self.ruleLine(text)?.contains(#"ATTRS{serial}=="FT4232A1", ENV{ID_USB_INTERFACE_NUM}=="02""#) == true)
    }

    @Test("without a serial number the hub socket is used; --by path forces it")
    func byPath() throws {
        var noSerial = SamplePorts.ftdi
        noSerial.serialNumber = nil
        #expect(UdevRule.defaultKey(for: noSerial) == .path)
        let text = try UdevRule.make(port: noSerial, name: "chair-1")
        #expect(Self.ruleLine(text) == #"SUBSYSTEM=="tty", ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:2:1.0", SYMLINK+="bedside/chair-1", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1""#)
        let forced = try UdevRule.make(port: SamplePorts.ftdi, name: "chair-1", key: .path)
        #expect(Self.ruleLine(forced)?.contains("ENV{ID_PATH}") == true)
        #expect(forced.contains("--by path"))
        #expect(throws: UdevRule.Failure.self) { try UdevRule.make(port: noSerial, name: "chair-1", key: .serial) }
    }

    @Test("names that are not plain file names are refused", arguments: ["", "../etc", "chair 3", ".hidden", "a/b", "chair\"3"])
    func badNames(_ name: String) {
        #expect(throws: UdevRule.Failure.self) { try UdevRule.make(port: SamplePorts.ftdi, name: name) }
    }

    @Test("a port is found by node, kernel name or link")
    func find() {
        let ports = [SamplePorts.ftdi, SamplePorts.quad(0)]
        #expect(UdevRule.find("/dev/ttyUSB0", in: ports)?.serialNumber == "A50285BI")
        #expect(UdevRule.find("ttyUSB4", in: ports)?.serialNumber == "FT4232A1")
        #expect(UdevRule.find("/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", in: ports)?.devnode == "/dev/ttyUSB0")
        #expect(UdevRule.find("/dev/ttyUSB9", in: ports) == nil)
    }
}
