import BedsideDriver
import BedsideModel
import Testing

@Suite("Declared options, counter names, identity")
struct DriverShapeTests {
    let d = ByteMonitorDriver.descriptor

    @Test func declaredOptionsAreCheckedByKindAndRange() throws {
        try DriverOptionSpec.validate(["verbose": "on", "interval": "10", "classes": "basic,ext1"], for: d)
        #expect(throws: DriverOptionError.unknown(option: "colour", driver: "byte-monitor", known: ["verbose", "interval", "classes"])) {
            try DriverOptionSpec.validate(["colour": "red"], for: d)
        }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["interval": "0"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["verbose": "maybe"], for: d) }
        #expect(throws: DriverOptionError.self) { try DriverOptionSpec.validate(["classes": "basic,bogus"], for: d) }
        let err = DriverOptionError.malformed(option: "interval", value: "0", driver: "byte-monitor", expected: d.options[1].expected)
        #expect(err.description.contains("a whole number from 1 to 60"))
    }

    @Test func typedAccessorsFallBackToDeclaredDefaults() {
        let c = DriverConfiguration(options: ["verbose": "yes"])
        #expect(c.flag(d.options[0]) == true)
        #expect(c.integer(d.options[1]) == 5)
        #expect(c.list(d.options[2]) == nil)
    }

    @Test func theRegistryRefusesUnknownOptionsAndWrapsTheDriver() throws {
        let registry = DriverRegistry(drivers: [ByteMonitorDriver.self])
        #expect(throws: DriverRegistryError.self) {
            _ = try registry.makeDriver(named: "byte-monitor", configuration: DriverConfiguration(options: ["x": "1"]))
        }
        let driver = try registry.makeDriver(named: "byte-monitor")
        #expect(driver is SupervisedDriver<ByteMonitorDriver>)
    }

    @Test func standardCounterNamesAreWellFormedAndMalformedOnesAreCaught() {
        #expect(DriverCounter.standard.allSatisfy { $0.isWellFormed })
        #expect(DriverCounter.standard.count == Set(DriverCounter.standard).count)
        for bad: DriverCounter in ["pduErrors", "frames", "frames.", "Frames.ok", "a.b.c", "x.-y"] {
            #expect(!bad.isWellFormed, "\(bad)")
        }
    }

    @Test func resetClearsTheDeadlineSoNoCallerCanActOnAStaleOne() {
        var out = DriverOutput()
        out.wake(at: Timestamp(secondsSinceEpoch: 10))
        out.wake(at: Timestamp(secondsSinceEpoch: 5))
        out.wake(at: Timestamp(secondsSinceEpoch: 7))
        #expect(out.nextDeadline == Timestamp(secondsSinceEpoch: 5))
        out.reset()
        #expect(out.nextDeadline == nil)
    }

    @Test func deviceIdsAreEUI64AndStable() {
        var a = DeviceIdentity(driver: "ge-datex", vendor: "GE", port: "/dev/ttyUSB0", portID: "pci-0000:00:14.0-usb-0:2:1.0")
        a.assignID()
        var b = a
        b.port = "/dev/ttyUSB3"     // re-enumerated, same socket
        b.assignID()
        #expect(a.id == b.id)
        #expect(a.id?.count == 16 && a.id?.hasPrefix("02") == true)
        #expect(a.id?.allSatisfy { "0123456789ABCDEF".contains($0) } == true)
        // Once the device tells its serial number the id follows the device, not the port.
        a.apply(DeviceIdentityUpdate(model: "B650", serialNumber: "SN123"))
        var elsewhere = DeviceIdentity(driver: "ge-datex", vendor: "GE", port: "/dev/ttyUSB7")
        elsewhere.apply(DeviceIdentityUpdate(model: "B650", serialNumber: "SN123"))
        #expect(a.id == elsewhere.id && a.id != b.id)
        #expect(DeviceIdentifier.eui64(namespace: "port", parts: ["ab", "c"]) != DeviceIdentifier.eui64(namespace: "port", parts: ["a", "bc"]))
    }

    @Test func aLearnedFactNeverTurnsBackIntoNull() {
        var a = DeviceIdentity(driver: "intellivue", vendor: "Philips")
        a.apply(DeviceIdentityUpdate(model: "MP70", serialNumber: "DE123"))
        a.apply(DeviceIdentityUpdate(model: nil, serialNumber: "", softwareVersion: "L.01"))
        #expect(a.model == "MP70" && a.serialNumber == "DE123" && a.softwareVersion == "L.01")
    }
}
