import BedsideModel

/// The device side of a protocol, as a pure state machine, so the whole bridge can run end to end
/// on a pseudo-terminal without hardware. Same shape as ``DeviceDriver``: bytes from the host and
/// clock ticks in, bytes to send to the host and the next deadline out.
public protocol DeviceSimulator: Sendable {
    /// Registry name of the driver this simulator talks to (e.g. `ge-datex`).
    static var driverName: String { get }

    init(configuration: SimulatorConfiguration)

    mutating func start(now: Timestamp, into output: inout SimulatorOutput)
    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput)
    mutating func tick(now: Timestamp, into output: inout SimulatorOutput)
}

extension DeviceSimulator {
    public mutating func receive(_ bytes: [UInt8], now: Timestamp, into output: inout SimulatorOutput) {
        bytes.withUnsafeBytes { receive($0, now: now, into: &output) }
    }
}

/// What a simulator asks of the world after one call.
public struct SimulatorOutput: Sendable {
    public var transmit: [UInt8] = []
    public var nextDeadline: Timestamp?
    public init() {}
    public mutating func reset() { transmit.removeAll(keepingCapacity: true) }
}

/// Options for a simulator run.
public struct SimulatorConfiguration: Sendable {
    /// Seed for any variation, so runs are reproducible.
    public var seed: UInt64
    /// How fast the scripted scenario runs relative to real time (1 = real time).
    public var scenarioSpeed: Double
    /// Simulator-specific options (`key=value`), e.g. misbehaviour switches.
    public var options: [String: String]

    public init(seed: UInt64 = 1, scenarioSpeed: Double = 1, options: [String: String] = [:]) {
        self.seed = seed
        self.scenarioSpeed = scenarioSpeed
        self.options = options
    }
}
