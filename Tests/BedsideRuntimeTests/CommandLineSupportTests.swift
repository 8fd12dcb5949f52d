import BedsidePlatform
import BedsideDriver
import BedsideModel
import BedsideSerial
import Testing
@testable import BedsideRuntime

/// The library side of the command line (Sources/BedsideRuntime/CommandSupport), without a process.
@Suite("command support")
struct CommandLineSupportTests {
    @Test("driver options are checked when the driver is chosen, through the registry")
    func driverSetupChecksOptions() throws {
        #expect(throws: DriverRegistryError.self) {
            try DriverSetup(name: "ge-datex", configuration: DriverConfiguration(options: ["no-such-option": "1"]))
        }
        #expect(throws: DriverRegistryError.self) { try DriverSetup(name: "no-such-driver", configuration: .init()) }
        let setup = try DriverSetup(name: "intellivue", configuration: .init())
        #expect(setup.descriptor.name == "intellivue")
    }

    @Test("key=value options: no '=', an empty key or a key given twice are errors")
    func keyValueOptions() throws {
        #expect(try parseKeyValueOptions(["a=1", "b=x=y", "c="]) == ["a": "1", "b": "x=y", "c": ""])
        #expect(throws: CommandFailure.self) { try parseKeyValueOptions(["novalue"]) }
        #expect(throws: CommandFailure.self) { try parseKeyValueOptions(["=1"]) }
        #expect(throws: CommandFailure.self) { try parseKeyValueOptions(["a=1", "a=2"]) }
    }

    @Test("line settings: given values replace the driver's, others are kept; impossible ones are refused")
    func lineSettings() throws {
        let defaults = SerialSettings(baudRate: 19200, dataBits: 8, parity: .even, stopBits: 1, flowControl: .rtsCts)
        let s = try LineSettingsChoice(baud: 9600, parity: "none").settings(defaults: defaults)
        #expect(s.baudRate == 9600 && s.parity == .none && s.dataBits == 8 && s.flowControl == .rtsCts)
        #expect(throws: CommandFailure.self) { try LineSettingsChoice(baud: 0).settings(defaults: defaults) }
        #expect(throws: CommandFailure.self) { try LineSettingsChoice(dataBits: 9).settings(defaults: defaults) }
        #expect(throws: CommandFailure.self) { try LineSettingsChoice(flow: "xon").settings(defaults: defaults) }
    }

    @Test("tuning: the capture note lists the options as typed; --interval must be whole seconds")
    func tuning() throws {
        let tuning = DriverTuning(interval: 10, waveforms: false, timeZone: "Europe/Berlin", options: ["a=1"])
        #expect(tuning.commandLine == "--interval 10 --no-waveforms --time-zone Europe/Berlin --option a=1")
        let configuration = try tuning.configuration(transmitEnabled: false)
        #expect(configuration.updateIntervalSeconds == 10 && !configuration.transmitEnabled)
        #expect(configuration.deviceTimeZone.identifier == "Europe/Berlin")
        #expect(throws: CommandFailure.self) { try DriverTuning(interval: 2.5).configuration() }
        // Without a zone flag: the caller's default (UTC for replays, so they do not depend on the host).
        #expect(try DriverTuning().configuration().deviceTimeZone.identifier == "UTC")
        #expect(try DriverTuning().configuration(defaultTimeZone: SystemTimeZone.current).deviceTimeZone.identifier
                == SystemTimeZone.current.identifier)
    }

    @Test("a port that keeps failing the same way gives one outage record, and the waiter returns when it opens")
    func waiterPublishesOnce() async throws {
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "test")
        let source = bus.addSource(identity: DeviceIdentity(driver: "ge-datex", vendor: "GE", port: "/dev/ttyUSB9"))
        let attempts = Locked(0)
        let waiter = PortWaiter(source: source, clock: BridgeClock(), retryDelay: .milliseconds(1)) {
            let n = attempts.withLock { n -> Int in n += 1; return n }
            if n < 5 { throw SerialPortError.notFound("/dev/ttyUSB9") }
            // The fifth attempt finds the port: a pseudo-terminal stands in for it.
            let pty = try PseudoTerminal.open()
            return (try await pty.makeAsyncChannel(), nil)
        }
        let opened = try await waiter.open()
        try await opened.channel.channel.close()
        bus.finish()
        var errors: [LinkEvent] = []
        for await event in subscription {
            if case .record(let r) = event, case .link(let l) = r.observation, l.kind == .error { errors.append(l) }
        }
        #expect(attempts.withLock { $0 } == 5)
        #expect(errors.count == 1)
        #expect(errors.first?.detail?.contains("does not exist") == true)
    }

    @Test("a waiter stopped while the port is missing gives up with an error instead of waiting forever")
    func waiterStops() async throws {
        let bus = FeedBus()
        let source = bus.addSource(identity: DeviceIdentity(driver: "ge-datex", vendor: "GE", port: "/dev/ttyUSB9"))
        let waiter = PortWaiter(source: source, clock: BridgeClock(), retryDelay: .seconds(3600)) {
            throw SerialPortError.notFound("/dev/ttyUSB9")
        }
        let task = Task { try await waiter.open() }
        waiter.stop()
        await #expect(throws: CommandFailure.self) { _ = try await task.value }
    }
}
