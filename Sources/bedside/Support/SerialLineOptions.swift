import ArgumentParser
import BedsideDriver
import BedsideModel
import BedsideRuntime

/// Line settings on the command line; anything not given comes from the driver's defaults.
struct SerialLineOptions: ParsableArguments {
    @Option(help: "Baud rate (default: the driver's).")
    var baud: Int?
    @Option(help: "Data bits: 5, 6, 7 or 8.")
    var dataBits: Int?
    @Option(help: "Parity: none, even or odd.")
    var parity: String?
    @Option(help: "Stop bits: 1 or 2.")
    var stopBits: Int?
    @Option(help: "Flow control: none or rts-cts.")
    var flow: String?

    var choice: LineSettingsChoice {
        LineSettingsChoice(baud: baud, dataBits: dataBits, parity: parity, stopBits: stopBits, flow: flow)
    }

    func settings(defaults: SerialSettings) throws -> SerialSettings { try choice.settings(defaults: defaults) }
}

/// Driver options shared by the commands that decode a live port.
struct DriverOptions: ParsableArguments {
    @Option(name: .long, help: "Driver registry name (see `bedside drivers`), e.g. ge-datex or intellivue.")
    var driver: String?

    @OptionGroup var tuning: DriverTuningOptions

    /// The driver with its configuration, options checked against what it declares.
    func setup(transmitEnabled: Bool = true) throws -> DriverSetup {
        // A live device's clock is read in the host's zone unless told otherwise.
        guard let driver else { throw ValidationError("Missing expected argument '--driver <driver>'") }
        return try DriverSetup(name: driver, configuration: tuning.tuning.configuration(
            transmitEnabled: transmitEnabled, defaultTimeZone: SystemTimeZone.current))
    }
}

/// How a driver behaves, apart from which driver it is (`replay` may take the driver from the capture).
struct DriverTuningOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Requested update interval in whole seconds (1–3600), where the protocol lets the host choose.",
        valueName: "seconds"))
    var interval: Double?

    @Flag(name: .long, inversion: .prefixedNo, help: "Emit waveform segments.")
    var waveforms = true

    @Option(name: .long, help: ArgumentHelp(
        "The IANA time zone the device's clock keeps, e.g. Europe/Berlin (default: the host's zone; UTC for replay).",
        valueName: "IANA-NAME"))
    var timeZone: String?

    @Option(name: .long, help: ArgumentHelp(
        "Instead of --time-zone: seconds to add to the device's clock to get UTC (a fixed offset), e.g. -3600.",
        valueName: "seconds"))
    var clockOffset: Int64?

    @Option(name: .long, help: ArgumentHelp(
        "Seconds between snapshot records re-stating every current value with its age (default 30; 0: none).",
        valueName: "seconds"))
    var snapshotInterval: Double?

    @Option(name: .customLong("option"), parsing: .singleValue,
            help: "Driver-specific option key=value (repeatable; `bedside drivers` lists each driver's).")
    var options: [String] = []

    var tuning: DriverTuning {
        DriverTuning(interval: interval, waveforms: waveforms, timeZone: timeZone, clockOffset: clockOffset,
                     snapshotInterval: snapshotInterval, options: options)
    }

    /// These options as they would be typed (empty when all are defaults), for a capture's note.
    var commandLine: String { tuning.commandLine }

    func validate() throws {
        try validating { _ = try tuning.configuration() }
    }

    /// The configuration for an offline use (replay): without --time-zone/--clock-offset the
    /// device's clock is read as UTC, so a replay gives the same feed on every machine.
    func configuration(transmitEnabled: Bool = true) throws -> DriverConfiguration {
        try tuning.configuration(transmitEnabled: transmitEnabled)
    }
}
