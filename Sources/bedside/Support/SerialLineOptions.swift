import ArgumentParser
import BedsideDriver
import BedsideModel

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

    func settings(defaults: SerialSettings) throws -> SerialSettings {
        var s = defaults
        if let baud { s.baudRate = baud }
        if let dataBits {
            guard (5...8).contains(dataBits) else { throw CommandFailure("--data-bits must be 5, 6, 7 or 8") }
            s.dataBits = dataBits
        }
        if let parity {
            guard let p = SerialSettings.Parity(rawValue: parity) else {
                throw CommandFailure("--parity must be one of: none, even, odd")
            }
            s.parity = p
        }
        if let stopBits {
            guard stopBits == 1 || stopBits == 2 else { throw CommandFailure("--stop-bits must be 1 or 2") }
            s.stopBits = stopBits
        }
        if let flow {
            guard let f = SerialSettings.FlowControl(rawValue: flow) else {
                throw CommandFailure("--flow must be one of: none, rts-cts")
            }
            s.flowControl = f
        }
        return s
    }
}

/// Driver options shared by the commands that decode a live port.
struct DriverOptions: ParsableArguments {
    @Option(name: .long, help: "Driver registry name (see `bedside drivers`), e.g. ge-datex or intellivue.")
    var driver: String

    @OptionGroup var tuning: DriverTuningOptions

    func configuration(transmitEnabled: Bool = true) throws -> DriverConfiguration {
        try tuning.configuration(transmitEnabled: transmitEnabled)
    }
}

/// How a driver behaves, apart from which driver it is (`replay` may take the driver from the capture).
struct DriverTuningOptions: ParsableArguments {
    @Option(name: .long, help: "Requested update interval in seconds, where the protocol lets the host choose.")
    var interval: Int?

    @Flag(name: .long, inversion: .prefixedNo, help: "Emit waveform segments.")
    var waveforms = true

    @Option(name: .long, help: ArgumentHelp(
        "Seconds to add to the device's clock to get UTC (for a monitor that keeps local time), e.g. -3600.",
        valueName: "seconds"))
    var clockOffset: Int64 = 0

    @Option(name: .customLong("option"), parsing: .singleValue,
            help: "Driver-specific option key=value (repeatable).")
    var options: [String] = []

    /// These options as they would be typed (empty when all are defaults), for a capture's note:
    /// a replay needs the same ones to send what the recorded bridge sent.
    var commandLine: String {
        var parts: [String] = []
        if let interval { parts.append("--interval \(interval)") }
        if !waveforms { parts.append("--no-waveforms") }
        if clockOffset != 0 { parts.append("--clock-offset \(clockOffset)") }
        parts += options.map { "--option \($0)" }
        return parts.joined(separator: " ")
    }

    func configuration(transmitEnabled: Bool = true) throws -> DriverConfiguration {
        DriverConfiguration(transmitEnabled: transmitEnabled, updateIntervalSeconds: interval,
                            deviceTimeZone: FixedOffsetTimeZone(offsetSeconds: Int32(-clockOffset)), waveformsEnabled: waveforms,
                            options: try parseOptions(options))
    }
}
