import ArgumentParser
import BedsideRuntime

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Live view of a port's readings, alarms, pump channels and link statistics.",
        discussion: """
            TARGET is a location of the configuration (chair-3), a port (/dev/ttyUSB0 or a by-id link),
            or nothing for every bound port present. The driver and line settings come from the
            configuration's binding, or from --driver for a port no binding names. The screen is
            redrawn in place every second: each device's link state, its counters (frames, checksum
            and length errors, bytes skipped to resynchronize, silences) and the age of its newest
            value, then every reading with its state and age, active alarms and pump channels.
            The port is opened by watch itself: stop the bridge service on it first.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A location (chair-3) or a port (/dev/ttyUSB0); none: every bound port present.")
    var target: String?
    @Option(help: "The bridge's configuration file (default \(CommissioningConfiguration.defaultPath) when it exists).")
    var config: String?
    @Option(help: "Driver for a port no binding names (see `bedside drivers`).")
    var driver: String?
    @OptionGroup var line: SerialLineOptions
    @Option(help: "Stop by itself after this many seconds.")
    var seconds: Double?
    @Flag(inversion: .prefixedNo, help: "Claim the port for this process alone (off only for umockdev's emulated ttys).")
    var exclusive = true

    func run() async throws {
        global.bootstrap()
        let counters = WatchCounters.bootstrapped()
        try await reportingErrors {
            let configuration = try CommissioningConfiguration.load(config)
            let setup = try driver.map { try DriverSetup(name: $0, configuration: DriverTuning().configuration(
                defaultTimeZone: SystemTimeZone.current)) }
            let ports = try CommissioningPort.resolve(target, configuration: configuration, driver: setup, settings: line.choice,
                                                      ports: { try CommissioningConfiguration.enumeratePorts() })
            try await WatchSession(ports: ports, target: target ?? "all bound ports", exclusive: exclusive, seconds: seconds,
                                   counters: counters).run()
        }
    }
}
