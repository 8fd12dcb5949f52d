import ArgumentParser
import BedsideModel
import BedsideRuntime
import BedsideSerial
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Drive a real serial port and print the device's readings.",
        discussion: """
            Opens PORT with the driver's line settings (override with --baud, --parity, …), runs the
            protocol and prints the normalized feed until Ctrl-C (or --seconds). After a hang-up
            (adapter unplugged, monitor switched off) the port is reopened every 2 s. On Ctrl-C the
            driver sends its stop request and the capture, if any, is completed before exit.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var port: LivePortOptions
    @Option(help: "Also record the session to this capture file (.bbcap).")
    var capture: String?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors { try await port.run(capture: capture) }
    }
}

struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture", abstract: "Record a serial session to a capture file while decoding it.",
        discussion: """
            Like `bedside run --capture FILE`: every chunk read from and written to the port is
            recorded with its host time, so the session can be replayed (`bedside replay`) or played
            back to any program (`bedside export-umockdev`).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var port: LivePortOptions
    @Option(name: [.short, .long], help: "The capture file to write (.bbcap).")
    var output: String

    func run() async throws {
        global.bootstrap()
        try await reportingErrors { try await port.run(capture: output) }
    }
}

/// What `run` and `capture` share: a port, a driver, line settings, output.
struct LivePortOptions: ParsableArguments {
    @Option(help: "The serial port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/….")
    var port: String
    @OptionGroup var driverOptions: DriverOptions
    @OptionGroup var line: SerialLineOptions
    @Option(help: "Output format: ndjson or table (default: table on a terminal, ndjson otherwise).")
    var format: FeedFormat?
    @Option(help: "Stop by itself after this many seconds.")
    var seconds: Double?
    @Option(help: "Where the device is (e.g. chair-3); carried in every record.")
    var location: String?
    @Flag(inversion: .prefixedNo, help: "Reopen the port and restart the session after a hang-up or port error.")
    var reconnect = true
    @Flag(help: "Only listen, never transmit: for a device that sends unasked, or a port another program drives.")
    var listenOnly = false
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Claim the port for this process alone (lock file, flock, TIOCEXCL), so no other bridge or program can open it meanwhile.",
        discussion: "Turn off only where the device refuses it, e.g. umockdev's emulated ttys."))
    var exclusive = true

    func run(capture: String?) async throws {
        let logger = Logger(label: "bedside.run")
        let driverType = try DriverCatalog.registry.driverType(named: driverOptions.driver)
        let settings = try line.settings(defaults: driverType.descriptor.defaultSerialSettings)
        let configuration = try driverOptions.configuration(transmitEnabled: !listenOnly)
        let clock = BridgeClock()
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "stdout")
        let recorder = try capture.map {
            try makeCaptureRecorder(path: $0, driver: driverType.descriptor.name, vendor: driverType.descriptor.vendor,
                                    settings: settings, port: port, location: location,
                                    driverOptions: driverOptions.tuning.commandLine + (listenOnly ? " --listen-only" : ""))
        }
        // The first open happens here so that a wrong path or missing permission fails at once,
        // with the reason; reopening after a hang-up is retried by the supervisor.
        let first = try await openPort(
            path: port, driverType: driverType, configuration: configuration,
            settings: settings, location: location, bus: bus, clock: clock, recorder: recorder, exclusive: exclusive)
        let runnable: any RunnablePort
        if reconnect {
            let firstChannel = Locked(Optional(first.channel))
            let path = port
            runnable = PortSupervisor(
                source: first.source, clock: clock, recorder: recorder, logger: logger,
                makeDriver: { driverType.supervised(configuration: configuration) },
                open: {
                    if let channel = firstChannel.take() { return channel }
                    return try await SerialPort.open(path: path, options: SerialPortOptions(settings: settings, exclusive: exclusive))
                        .makeAsyncChannel()
                })
        } else {
            runnable = first
        }
        logger.notice("running \(driverType.descriptor.name) on \(port) at \(settings.summary)")
        let summaries = try await runBridge(
            ports: [runnable], bus: bus, subscription: subscription,
            format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson),
            clock: clock, seconds: seconds, logger: logger)
        if let recorder {
            Console.note("capture written to \(recorder.path) (\(recorder.recorder.chunksRecorded) chunks)")
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
