import BedsideDriver
import BedsideModel

/// Line settings asked for on the command line; anything not given comes from the driver's defaults.
public struct LineSettingsChoice: Sendable {
    public var baud: Int?
    public var dataBits: Int?
    public var parity: String?
    public var stopBits: Int?
    public var flow: String?

    public init(baud: Int? = nil, dataBits: Int? = nil, parity: String? = nil, stopBits: Int? = nil, flow: String? = nil) {
        self.baud = baud
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flow = flow
    }

    /// The driver's defaults with the given settings applied.
    public func settings(defaults: SerialSettings) throws(CommandFailure) -> SerialSettings {
        var s = defaults
        if let baud {
            guard (1...4_000_000).contains(baud) else {
                throw CommandFailure("--baud \(baud) is not valid: it must be a whole number of bits per second "
                                     + "from 1 to 4000000 (bedside drivers lists each device's rate)", exitStatus: .usage)
            }
            s.baudRate = baud
        }
        if let dataBits {
            guard (5...8).contains(dataBits) else { throw CommandFailure("--data-bits must be 5, 6, 7 or 8", exitStatus: .usage) }
            s.dataBits = dataBits
        }
        if let parity {
            guard let p = SerialSettings.Parity(rawValue: parity) else {
                throw CommandFailure("--parity must be one of: none, even, odd", exitStatus: .usage)
            }
            s.parity = p
        }
        if let stopBits {
            guard stopBits == 1 || stopBits == 2 else { throw CommandFailure("--stop-bits must be 1 or 2", exitStatus: .usage) }
            s.stopBits = stopBits
        }
        if let flow {
            guard let f = SerialSettings.FlowControl(rawValue: flow) else {
                throw CommandFailure("--flow must be one of: none, rts-cts", exitStatus: .usage)
            }
            s.flowControl = f
        }
        return s
    }
}

/// How a driver should behave, as asked on the command line (apart from which driver it is).
public struct DriverTuning: Sendable {
    public var interval: Double?
    public var waveforms: Bool
    public var timeZone: String?
    public var clockOffset: Int64?
    /// Seconds between snapshots of every current value (`nil`: the default 30 s; 0: none).
    public var snapshotInterval: Double?
    public var options: [String]

    public init(interval: Double? = nil, waveforms: Bool = true, timeZone: String? = nil, clockOffset: Int64? = nil,
                snapshotInterval: Double? = nil, options: [String] = []) {
        self.interval = interval
        self.waveforms = waveforms
        self.timeZone = timeZone
        self.clockOffset = clockOffset
        self.snapshotInterval = snapshotInterval
        self.options = options
    }

    /// What `--snapshot-interval` accepts: 0 (no snapshots) or 1 s to a day.
    public static let snapshotIntervalRange: ClosedRange<Double> = 0...86_400

    /// These options as they would be typed (empty when all are defaults), for a capture's note:
    /// a replay needs the same ones to send what the recorded bridge sent.
    public var commandLine: String {
        var parts: [String] = []
        if let interval { parts.append("--interval \(interval.rounded() == interval ? "\(Int(interval))" : "\(interval)")") }
        if !waveforms { parts.append("--no-waveforms") }
        if let timeZone { parts.append("--time-zone \(timeZone)") }
        if let clockOffset { parts.append("--clock-offset \(clockOffset)") }
        if let snapshotInterval { parts.append("--snapshot-interval \(snapshotInterval.rounded() == snapshotInterval ? "\(Int(snapshotInterval))" : "\(snapshotInterval)")") }
        parts += options.map { "--option \($0)" }
        return parts.joined(separator: " ")
    }

    /// The driver configuration, every value checked (the driver's own options are checked
    /// against its declaration by ``DriverSetup``).
    ///
    /// - Parameter defaultTimeZone: the device's zone when neither `--time-zone` nor
    ///   `--clock-offset` is given: the host's for a live port (a device set by hand to the
    ///   clinic's clock); a fixed one for an offline replay, whose feed must not depend on the
    ///   machine it runs on.
    public func configuration(transmitEnabled: Bool = true,
                              defaultTimeZone: any DeviceTimeZone = FixedOffsetTimeZone.utc) throws -> DriverConfiguration {
        let seconds: Int?
        var snapshotNanoseconds: Int64? = 30_000_000_000
        do throws(OptionCheck.Failure) {
            seconds = try OptionCheck.interval(interval)
            if let snapshotInterval {
                try OptionCheck.number(snapshotInterval, option: "--snapshot-interval", in: Self.snapshotIntervalRange,
                                       what: "seconds", hint: "0 turns snapshots off")
                guard snapshotInterval == 0 || snapshotInterval >= 1 else {
                    throw OptionCheck.Failure(option: "--snapshot-interval", value: "\(snapshotInterval)",
                                              requirement: "0 (off) or at least 1 second")
                }
                snapshotNanoseconds = snapshotInterval == 0 ? nil : Int64(snapshotInterval * 1e9)
            }
        } catch {
            throw CommandFailure(error.description, exitStatus: .usage)
        }
        return DriverConfiguration(
            transmitEnabled: transmitEnabled, updateIntervalSeconds: seconds,
            deviceTimeZone: try deviceTimeZone(named: timeZone, clockOffsetSeconds: clockOffset) ?? defaultTimeZone,
            waveformsEnabled: waveforms, snapshotIntervalNanoseconds: snapshotNanoseconds,
            options: try parseKeyValueOptions(options))
    }
}
