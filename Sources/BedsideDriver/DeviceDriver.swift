import BedsideModel

/// A vendor protocol, as a pure state machine ("sans-IO").
///
/// The runtime (or a replay harness, or a test) feeds it the bytes that arrived and the current
/// time; it answers through ``DriverOutput``: bytes to transmit, observations for the feed, and
/// when it next wants ``tick(now:into:)`` called. A driver never opens a file, sleeps, or reads a
/// clock, so the same capture always produces the same output.
///
/// Call order: ``start(now:into:)`` once, then any mix of ``receive(_:now:into:)`` and
/// ``tick(now:into:)`` with non-decreasing times, then ``stop(now:into:)`` once.
public protocol DeviceDriver: Sendable {
    /// Registry facts: name, vendor, default line settings.
    static var descriptor: DriverDescriptor { get }

    init(configuration: DriverConfiguration)

    /// Begins the session: typically emits the first request and a timer.
    mutating func start(now: Timestamp, into output: inout DriverOutput)

    /// Bytes read from the port, in arrival order; `now` is when they were read.
    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput)

    /// Time has passed; called at (or after) the deadline the driver asked for.
    mutating func tick(now: Timestamp, into output: inout DriverOutput)

    /// Ends the session politely (stop request, release); the runtime transmits what this emits
    /// before it closes the port.
    mutating func stop(now: Timestamp, into output: inout DriverOutput)
}

extension DeviceDriver {
    /// Convenience for tests and tools holding bytes in an array.
    public mutating func receive(_ bytes: [UInt8], now: Timestamp, into output: inout DriverOutput) {
        bytes.withUnsafeBytes { receive($0, now: now, into: &output) }
    }
}

/// What a driver asks of the world after one call. Reused across calls: the caller drains it and
/// calls ``reset()``.
public struct DriverOutput: Sendable {
    /// Bytes to write to the port, in order.
    public var transmit: [UInt8] = []
    /// Observations for the feed, in order.
    public var observations: [Observation] = []
    /// What the protocol revealed about the device (model, serial, software).
    public var identity: DeviceIdentityUpdate?
    /// When the driver next wants `tick`; `nil` means no timer. Each call replaces the previous
    /// request, so a driver that wants a timer sets it on every call.
    public var nextDeadline: Timestamp?
    /// Protocol-level counters for this call (frames accepted, checksum failures, …), by name.
    public var counters: [String: Int] = [:]

    public init() {}

    public mutating func reset() {
        transmit.removeAll(keepingCapacity: true)
        observations.removeAll(keepingCapacity: true)
        identity = nil
        counters.removeAll(keepingCapacity: true)
    }

    public mutating func count(_ name: String, by amount: Int = 1) {
        counters[name, default: 0] += amount
    }
}

/// Static facts about a driver.
public struct DriverDescriptor: Sendable {
    /// Registry name used on the command line and in captures, e.g. `ge-datex`.
    public var name: String
    public var vendor: String
    /// One line for `bedside drivers`.
    public var summary: String
    /// Line settings the device uses unless configured otherwise.
    public var defaultSerialSettings: SerialSettings

    public init(name: String, vendor: String, summary: String, defaultSerialSettings: SerialSettings) {
        self.name = name
        self.vendor = vendor
        self.summary = summary
        self.defaultSerialSettings = defaultSerialSettings
    }
}

/// Options common to every driver, plus free-form driver-specific ones.
public struct DriverConfiguration: Sendable {
    /// When false the driver only listens: it never transmits (used to decode monitor-only captures).
    public var transmitEnabled: Bool
    /// Requested update interval for periodic data, in seconds, when the protocol lets the host choose.
    public var updateIntervalSeconds: Int?
    /// Offset to add to the device clock to get UTC, in seconds (for devices that keep local time).
    public var deviceClockOffsetSeconds: Int64
    /// Whether to emit waveform segments.
    public var waveformsEnabled: Bool
    /// Driver-specific options (`key=value` on the command line).
    public var options: [String: String]

    public init(transmitEnabled: Bool = true, updateIntervalSeconds: Int? = nil, deviceClockOffsetSeconds: Int64 = 0,
                waveformsEnabled: Bool = true, options: [String: String] = [:]) {
        self.transmitEnabled = transmitEnabled
        self.updateIntervalSeconds = updateIntervalSeconds
        self.deviceClockOffsetSeconds = deviceClockOffsetSeconds
        self.waveformsEnabled = waveformsEnabled
        self.options = options
    }
}
