import BedsideDiscovery
import BedsideRuntime
import Testing

@Suite("hotplug plan")
struct HotplugPlanTests {
    static func adapter(serial: String, node: String, socket: Int) -> SerialPortInfo {
        SerialPortInfo(devnode: "/dev/\(node)", sysPath: "/sys/devices/usb1/1-\(socket)/1-\(socket):1.0/\(node)/tty/\(node)",
                       serialNumber: serial, interfaceNumber: "00", physicalPath: "pci-0000:00:14.0-usb-0:\(socket):1.0")
    }

    @Test("add attaches, remove detaches as removed, a replacement in the same socket attaches again")
    func replug() {
        var plan = HotplugPlan(rules: [.physicalPath("pci-0000:00:14.0-usb-0:2:1.0")])
        #expect(plan.start(with: []) == [])
        let first = Self.adapter(serial: "A50285BI", node: "ttyUSB0", socket: 2)
        #expect(plan.apply(HotplugEvent(action: .add, port: first)) == [.attach(binding: 0, port: first)])
        // The same add heard twice (monitor and enumeration) changes nothing.
        #expect(plan.apply(HotplugEvent(action: .add, port: first)) == [])
        #expect(plan.apply(HotplugEvent(action: .remove, port: first)) == [.detach(binding: 0, removed: true)])
        #expect(plan.apply(HotplugEvent(action: .remove, port: first)) == [])
        let second = Self.adapter(serial: "A10K3N7Q", node: "ttyUSB1", socket: 2)
        #expect(plan.apply(HotplugEvent(action: .add, port: second)) == [.attach(binding: 0, port: second)])
        #expect(plan.attached == [0: second.sysPath])
    }

    @Test("unbound adapters and other sockets change nothing; device-path bindings are left to their own sessions")
    func unrelated() {
        var plan = HotplugPlan(rules: [.serialNumber("A50285BI", interface: nil), .devicePath("/dev/ttyUSB3")])
        let other = Self.adapter(serial: "OTHER", node: "ttyUSB3", socket: 3)
        #expect(plan.start(with: [other]) == [])
        let bound = Self.adapter(serial: "A50285BI", node: "ttyUSB0", socket: 5)
        #expect(plan.apply(HotplugEvent(action: .add, port: bound)) == [.attach(binding: 0, port: bound)])
        #expect(plan.apply(HotplugEvent(action: .remove, port: other)) == [])
    }

    @Test("a second adapter with the bound serial number makes the binding ambiguous: its session stops politely")
    func ambiguity() {
        var plan = HotplugPlan(rules: [.serialNumber("0001", interface: nil)])
        let a = Self.adapter(serial: "0001", node: "ttyUSB0", socket: 2)
        let b = Self.adapter(serial: "0001", node: "ttyUSB1", socket: 3)
        #expect(plan.start(with: [a]) == [.attach(binding: 0, port: a)])
        #expect(plan.apply(HotplugEvent(action: .add, port: b)) == [.detach(binding: 0, removed: false)])
        #expect(plan.apply(HotplugEvent(action: .remove, port: b)) == [.attach(binding: 0, port: a)])
    }

    @Test("a more specific binding takes over a port from a less specific one")
    func takeover() {
        // Binding 0 names the socket; binding 1 the adapter. The adapter moves into the socket.
        var plan = HotplugPlan(rules: [.physicalPath("pci-0000:00:14.0-usb-0:2:1.0"), .serialNumber("A50285BI", interface: nil)])
        let stranger = Self.adapter(serial: "X", node: "ttyUSB0", socket: 2)
        #expect(plan.start(with: [stranger]) == [.attach(binding: 0, port: stranger)])
        #expect(plan.apply(HotplugEvent(action: .remove, port: stranger)) == [.detach(binding: 0, removed: true)])
        let known = Self.adapter(serial: "A50285BI", node: "ttyUSB1", socket: 2)
        #expect(plan.apply(HotplugEvent(action: .add, port: known)) == [.attach(binding: 1, port: known)])
    }
}
