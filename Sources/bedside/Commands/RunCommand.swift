import ArgumentParser
import BedsideRuntime

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Drive a real serial port and print the device's readings.",
        discussion: """
            Opens PORT with the driver's line settings (override with --baud, --parity, …), runs the
            protocol and prints the normalized feed until Ctrl-C, SIGTERM or SIGHUP (or --seconds).
            After a hang-up (adapter unplugged, monitor switched off), and while a port is missing at
            start, the port is tried again every 2 s. On a stop signal the driver sends its stop
            request and the capture, if any, is completed before exit; a capture that could not be
            completed (disk full) ends with exit status 3.

            With --config FILE instead of --port and --driver, runs every port the configuration
            binds, each in its own pipeline, as a service: ports are found through udev, sessions
            start when a bound adapter is plugged in and end when it is unplugged
            (docs/configuration.md).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Run every binding of this configuration file (docs/configuration.md) instead of one --port.")
    var config: String?
    @OptionGroup var port: LivePortOptions
    @Option(help: "Also record the session to this capture file (.bbcap).")
    var capture: String?

    func validate() throws {
        if config != nil {
            let conflicting = [port.port.map { _ in "--port" }, port.driverOptions.driver.map { _ in "--driver" },
                               capture.map { _ in "--capture" }].compactMap { $0 }
            if !conflicting.isEmpty {
                throw ValidationError("--config runs every binding of the file; \(conflicting.joined(separator: ", ")) "
                                      + "belong to a single port: put them in the file's binding instead")
            }
        } else {
            try port.requirePortAndDriver()
        }
    }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            if let config {
                guard let configuration = try CommissioningConfiguration.load(config) else { return }
                try await BridgeServiceRun(
                    configuration: configuration,
                    format: port.format ?? (Console.stdoutIsTerminal ? .table : .ndjson), seconds: port.seconds
                ).run()
            } else {
                try await port.run(capture: capture)
            }
        }
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

    func validate() throws { try port.requirePortAndDriver() }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors { try await port.run(capture: output) }
    }
}

/// What `run` and `capture` share: a port, a driver, line settings, output.
struct LivePortOptions: ParsableArguments {
    @Option(help: "The serial port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/….")
    var port: String?
    @OptionGroup var driverOptions: DriverOptions
    @OptionGroup var line: SerialLineOptions
    @Option(help: "Output format: ndjson or table (default: table on a terminal, ndjson otherwise).")
    var format: FeedFormat?
    @Option(help: "Stop by itself after this many seconds.")
    var seconds: Double?
    @Option(help: "Where the device is (e.g. chair-3); carried in every record.")
    var location: String?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Reopen the port and restart the session after a hang-up or port error; wait for a port that is missing at start.",
        discussion: "While the port cannot be opened, one link error record goes out when the outage starts or its reason changes, then a reminder every 5 minutes."))
    var reconnect = true
    @Flag(help: "Only listen, never transmit: for a device that sends unasked, or a port another program drives.")
    var listenOnly = false
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Claim the port for this process alone (lock file, flock, TIOCEXCL), so no other bridge or program can open it meanwhile.",
        discussion: "Turn off only where the device refuses it, e.g. umockdev's emulated ttys."))
    var exclusive = true
    @Flag(help: "When the capture file exists, write to the next free name (NAME-1.bbcap, NAME-2.bbcap, …) instead of refusing.")
    var rotateCapture = false
    @OptionGroup(title: "Forwarding") var forwarding: ForwardingOptions

    func validate() throws {
        try validating { try OptionCheck.runSeconds(seconds) }
    }

    /// `--port` and `--driver` are required unless a command takes its ports from elsewhere (`run --config`).
    func requirePortAndDriver() throws {
        if port == nil { throw ValidationError("Missing expected argument '--port <port>' (or run --config FILE)") }
        if driverOptions.driver == nil { throw ValidationError("Missing expected argument '--driver <driver>'") }
    }

    func run(capture: String?) async throws {
        guard let port else { throw ValidationError("Missing expected argument '--port <port>'") }
        let driver = try driverOptions.setup(transmitEnabled: !listenOnly)
        var session = LiveSession(
            port: port, driver: driver, settings: try line.settings(defaults: driver.descriptor.defaultSerialSettings),
            format: format ?? (Console.stdoutIsTerminal ? .table : .ndjson), seconds: seconds, location: location,
            reconnect: reconnect, exclusive: exclusive, capturePath: capture, rotateCapture: rotateCapture,
            driverCommandLine: driverOptions.tuning.commandLine + (listenOnly ? " --listen-only" : ""))
        session.forwarding = try forwarding.configuration()
        MetricsBackend.bootstrap()
        try await session.run()
    }
}
