import BedsideConfig
import BedsideDiscovery
import BedsideDriver
import BedsideModel
import BedsideRuntime
import Testing

@Suite("configuration file")
struct ConfigurationTests {
    let registry = DriverCatalog.registry

    func parse(_ text: String) throws(ConfigurationError) -> BridgeConfiguration {
        try ConfigurationLoader.parse(text, file: "bedside.yaml", registry: registry)
    }

    func issues(_ text: String) -> [ConfigurationIssue] {
        do {
            _ = try parse(text)
            Issue.record("accepted:\n\(text)")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("a complete file parses into bindings with every setting")
    func complete() throws {
        let c = try parse("""
            bridge:
              time-zone: Europe/Berlin
              exclusive: false
              retry-seconds: 0.5
            ports:
              - serial: A50285BI
                driver: ge-datex
                location: chair-1
                line: { baud: 9600, parity: none, flow: none }
                options: { waves: "ecg1,pleth" }
                interval: 10
              - path: pci-0000:00:14.0-usb-0:3:1.0
                driver: intellivue
                location: chair-2
                time-zone: America/New_York
                waveforms: false
              - serial: FT4232A1
                interface: "01"
                driver: ge-datex
                location: chair-3
              - by-id: /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K3N7Q-if00-port0
                driver: ge-datex
                location: chair-4
                listen-only: true
                capture: /var/lib/bedside/chair-4.bbcap
              - device: /dev/pts/9
                driver: intellivue
                location: demo
            """)
        #expect(c.bridge.timeZone == "Europe/Berlin")
        #expect(c.bridge.exclusive == false)
        #expect(c.bridge.retrySeconds == 0.5)
        #expect(c.ports.count == 5)
        #expect(c.rules == [
            .serialNumber("A50285BI", interface: nil), .physicalPath("pci-0000:00:14.0-usb-0:3:1.0"),
            .serialNumber("FT4232A1", interface: "01"),
            .byIDLink("/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K3N7Q-if00-port0"), .devicePath("/dev/pts/9"),
        ])
        let first = c.ports[0]
        #expect(first.line == 6)
        #expect(first.location == "chair-1")
        #expect(first.options == ["waves": "ecg1,pleth"])
        #expect(first.intervalSeconds == 10)
        let settings = first.lineSettings.applied(to: SerialSettings(baudRate: 19200, parity: .even, flowControl: .rtsCts))
        #expect(settings == SerialSettings(baudRate: 9600, parity: .none, flowControl: .none))
        #expect(c.ports[1].timeZone == "America/New_York")
        #expect(c.ports[1].waveforms == false)
        #expect(c.ports[3].listenOnly)
        #expect(c.ports[3].capture == "/var/lib/bedside/chair-4.bbcap")
    }

    @Test("an unknown top-level section is named with its line and the known sections")
    func unknownSection() {
        let found = issues("""
            ports:
              - { serial: A, driver: ge-datex, location: chair-1 }
            mqtt:
              broker: 10.0.0.9
            """)
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.message == "unknown section 'mqtt'")
        #expect(found.first?.fix.contains("bridge (service-wide settings), ports (port bindings)") == true)
    }

    @Test("every problem is reported with its own line and fix")
    func manyProblems() {
        let found = issues("""
            ports:
              - serial: A50285BI
                driver: ge-datexx
                location: chair-1
              - path: pci-0000:00:14.0-usb-0:3:1.0
                driver: intellivue
                locaton: chair-2
              - driver: ge-datex
                location: chair-3
              - serial: B
                driver: ge-datex
                location: chair-4
                time-zone: Europe/Atlantis
                line: { baud: 19200, parity: maybe }
                options: { nosuch: 1 }
            """)
        let byLine = Dictionary(grouping: found, by: { $0.line ?? 0 })
        #expect(byLine[3]?.first?.message == "there is no driver named 'ge-datexx'")
        #expect(byLine[3]?.first?.fix.contains("ge-datex, intellivue") == true)
        #expect(byLine[7]?.first?.message == "unknown key 'locaton' in a port binding")
        #expect(byLine[7]?.first?.fix.hasPrefix("did you mean 'location'?") == true)
        #expect(byLine[5]?.first?.message == "this binding has no location")
        #expect(byLine[8]?.first?.message == "this binding does not say which port it is for")
        #expect(byLine[13]?.first?.message.contains("Europe/Atlantis") == true)
        #expect(byLine[14]?.first?.message == "parity must be none, even or odd")
        #expect(byLine[15]?.first?.message == "driver 'ge-datex' has no option 'nosuch'")
    }

    @Test("two bindings of one port, two ways to name one port, interface without serial")
    func conflicts() {
        let found = issues("""
            ports:
              - { serial: A, driver: ge-datex, location: chair-1 }
              - { serial: A, driver: intellivue, location: chair-2 }
              - { serial: B, path: x, driver: ge-datex, location: chair-3 }
              - { path: y, interface: "01", driver: ge-datex, location: chair-4 }
              - { device: ttyUSB0, driver: ge-datex, location: chair-5 }
            """)
        #expect(found.map(\.line) == [3, 4, 5, 6])
        #expect(found[0].message.contains("same port as the one on line 2"))
        #expect(found[1].message.contains("names its port in 2 ways (serial, path)"))
        #expect(found[2].message == "'interface' only goes with 'serial'")
        #expect(found[3].fix.contains("/dev/ttyUSB0"))
    }

    @Test("YAML that does not parse names its line; an empty file and a file without ports say what to add")
    func syntax() {
        let broken = issues("ports:\n  - serial: A\n   driver: [ge-datex\n")
        #expect(broken.count == 1)
        #expect(broken.first?.line != nil)
        #expect(broken.first?.message.hasPrefix("is not valid YAML") == true)
        #expect(issues("").first?.message == "is empty")
        #expect(issues("bridge: { exclusive: true }").first?.message.contains("no ports section") == true)
        #expect(issues("ports: { serial: A }").first?.message.contains("must be a list") == true)
    }

    @Test("the error text names the file and line of every problem")
    func errorText() {
        do {
            _ = try parse("ports:\n  - { serial: A, driver: x, location: chair-1 }\nmqtt: {}\n")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("bedside.yaml has 2 problems:\n"))
            #expect(error.description.contains("bedside.yaml:2: there is no driver named 'x'; use one of"))
            #expect(error.description.contains("bedside.yaml:3: unknown section 'mqtt'"))
        }
    }
}
