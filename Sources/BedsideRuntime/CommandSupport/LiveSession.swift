import BedsidePlatform
import BedsideDriver
import BedsideModel
import BedsideSerial
import Logging

/// What `bedside run` and `bedside capture` do: drive one real serial port and put its feed on
/// stdout, optionally recording a capture, reopening the port after hang-ups and outages.
public struct LiveSession: Sendable {
    public var port: String
    public var driver: DriverSetup
    public var settings: SerialSettings
    public var format: FeedFormat
    public var seconds: Double?
    public var location: String?
    public var reconnect: Bool
    public var exclusive: Bool
    public var capturePath: String?
    public var rotateCapture: Bool
    /// The driver options as typed, for the capture's note.
    public var driverCommandLine: String
    /// The durable store and forwarding sinks (none by default).
    public var forwarding: ForwardingConfiguration = .none
    /// Pause between reopen attempts.
    public var retryDelay: Duration = .seconds(2)
    /// Time between reminders of an unchanged outage.
    public var outageReminderNanoseconds: Int64 = OutageReporting.defaultReminderNanoseconds

    public init(port: String, driver: DriverSetup, settings: SerialSettings, format: FeedFormat, seconds: Double?,
                location: String?, reconnect: Bool, exclusive: Bool, capturePath: String?, rotateCapture: Bool,
                driverCommandLine: String) {
        self.port = port
        self.driver = driver
        self.settings = settings
        self.format = format
        self.seconds = seconds
        self.location = location
        self.reconnect = reconnect
        self.exclusive = exclusive
        self.capturePath = capturePath
        self.rotateCapture = rotateCapture
        self.driverCommandLine = driverCommandLine
    }

    /// Runs until stopped (signal, `seconds`, stdout closed) or, without `reconnect`, until the
    /// port ends.
    ///
    /// - Throws: ``CommandFailure`` saying what to do; with ``BridgeExitStatus/captureIncomplete``
    ///   when the feed ran but the capture could not be completed.
    public func run() async throws {
        try OptionCheck.runSeconds(seconds)
        let logger = Logger(label: "bedside.run")
        let clock = BridgeClock()
        let forwarding = try ForwardingService(self.forwarding, logger: logger)
        let bus = forwarding.bus
        let subscription = bus.subscribe(name: "stdout")
        let descriptor = driver.descriptor
        let (port, settings, exclusive) = (self.port, self.settings, self.exclusive)
        let capture = try capturePath.map {
            try SessionCapture(path: $0, rotate: rotateCapture, driver: descriptor.name, vendor: descriptor.vendor,
                               settings: settings, port: port, location: location,
                               timeZone: driver.configuration.deviceTimeZone.identifier, driverOptions: driverCommandLine)
        }
        let attempt: PortWaiter.Opener = { try await openSerialPort(path: port, settings: settings, exclusive: exclusive) }
        let runnable: any RunnablePort
        if reconnect {
            // A wrong path at start may be an adapter not plugged in yet: a service waits for it.
            // Anything else (permission, busy, not a tty) is a set-up error to report at once.
            var first: PortWaiter.Opened?
            do { first = try await attempt() } catch let error as SerialPortError {
                guard case .notFound = error else { throw error }
                logger.warning("\(error.description); waiting for it")
            }
            let firstChannel = Locked(first)
            let source = bus.addSource(identity: portIdentity(driver: driver, path: port, location: location))
            let waiter = PortWaiter(source: source, clock: clock, retryDelay: retryDelay,
                                    reminderNanoseconds: outageReminderNanoseconds, logger: logger, attempt: attempt)
            let supervisor = PortSupervisor(
                source: source, clock: clock, retryDelay: retryDelay, recorder: capture, logger: logger,
                makeDriver: driver.makeDriver,
                openWithLineControl: {
                    if let opened = firstChannel.withLock({ c in defer { c = nil }; return c }) { return opened }
                    return try await waiter.open()
                })
            runnable = WaitingSupervisor(supervisor: supervisor, waiter: waiter, firstChannel: firstChannel)
        } else {
            runnable = try await openPort(path: port, driver: driver, settings: settings, location: location, bus: bus,
                                          clock: clock, recorder: capture, exclusive: exclusive)
        }
        logger.notice("running \(descriptor.name) on \(port) at \(settings.summary)")
        let outcome = await forwarding.outcome { try await runBridge(ports: [runnable], bus: bus, subscription: subscription,
                                                         format: format, clock: clock, seconds: seconds, logger: logger) }
        let summaries = try outcome.get()  // the store committed what the bus handed it, the sinks ended
        if let capture {
            if let error = capture.completionError {
                throw CommandFailure("capture \(capture.path) is incomplete: \(CommandFailure.message(for: error)); "
                                     + "it holds what was recorded before the failure (\(capture.chunksRecorded) chunks)",
                                     exitStatus: .captureIncomplete)
            }
            Console.note("capture written to \(capture.path) (\(capture.chunksRecorded) chunks)")
        }
        if !reconnect, let summary = summaries.last {
            switch summary.endReason {
            case .stopped: break
            case .portError(let text):
                throw CommandFailure("\(port): \(text); check the cable and adapter, then run again")
            case .endOfFile:
                throw CommandFailure("\(port) hung up (adapter unplugged?); plug it back in and run again")
            }
        }
    }
}
