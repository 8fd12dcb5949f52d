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

    /// A link event the runtime itself observed (port opened, closed, unplugged), handed to the
    /// driver's output so everything that follows from it (stale marks, alarm ends) happens in
    /// order. The default appends it as is; ``SupervisedDriver`` also updates its ledger.
    mutating func announce(_ event: LinkEvent, into output: inout DriverOutput)
}

extension DeviceDriver {
    public mutating func announce(_ event: LinkEvent, into output: inout DriverOutput) {
        output.observations.append(.link(event))
    }

    /// This driver wrapped with the bridge's ledger (range checks, staleness, alarm ends,
    /// snapshots): what every pipeline and replay runs.
    public static func supervised(configuration: DriverConfiguration) -> any DeviceDriver {
        SupervisedDriver<Self>(configuration: configuration)
    }

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
    /// Line control the driver needs done before ``transmit`` is written (DTR/RTS, BREAK, a baud
    /// change). The pipeline executes them in order and records them in captures.
    public var lineControl: [LineControl] = []
    /// Observations for the feed, in order.
    public var observations: [Observation] = []
    /// What the protocol revealed about the port's (main) device: model, serial, software.
    public var identity: DeviceIdentityUpdate?
    /// The same for other devices behind the port (a pump rack's pumps), by subdevice key.
    public var subdeviceIdentities: [String: DeviceIdentityUpdate] = [:]
    /// When the driver next wants `tick`; `nil` means no timer. Cleared by ``reset()``: every call
    /// states its deadline afresh, so a caller can never act on a stale one.
    public var nextDeadline: Timestamp?
    /// Protocol-level counters for this call (frames accepted, checksum failures, …), by name.
    public var counters: [DriverCounter: Int] {
        get {
            guard !pendingCounts.isEmpty else { return countedBefore }
            var all = countedBefore
            for (counter, amount) in pendingCounts { all[counter, default: 0] += amount }
            return all
        }
        set {
            countedBefore = newValue
            pendingCounts.removeAll(keepingCapacity: true)
        }
    }

    // Internal but visible to inlined code: ``reset()`` runs after every read, in the caller's module.

    /// What ``count(_:by:)`` added in this call: a short list searched by name, because a driver
    /// counts per value and hashing the counter's name each time cost more than decoding the
    /// value. ``counters`` merges it into the dictionary when read.
    @usableFromInline var pendingCounts: [(DriverCounter, Int)] = []
    @usableFromInline var countedBefore: [DriverCounter: Int] = [:]

    public init() {}

    @inlinable
    public mutating func reset() {
        // Called after every read (often 64 bytes, nothing decoded): an empty array is left alone
        // rather than asked to remove nothing.
        if !transmit.isEmpty { transmit.removeAll(keepingCapacity: true) }
        if !lineControl.isEmpty { lineControl.removeAll(keepingCapacity: true) }
        if !observations.isEmpty { observations.removeAll(keepingCapacity: true) }
        identity = nil
        if !subdeviceIdentities.isEmpty { subdeviceIdentities.removeAll() }
        nextDeadline = nil
        if !countedBefore.isEmpty { countedBefore.removeAll(keepingCapacity: true) }
        if !pendingCounts.isEmpty { pendingCounts.removeAll(keepingCapacity: true) }
    }

    public mutating func count(_ counter: DriverCounter, by amount: Int = 1) {
        // Lengths first: most names differ in length, and comparing those is a load, not a call.
        let length = counter.name.utf8.count
        for i in pendingCounts.indices
        where pendingCounts[i].0.name.utf8.count == length && pendingCounts[i].0 == counter {
            pendingCounts[i].1 += amount
            return
        }
        pendingCounts.append((counter, amount))
    }

    /// Asks for a tick at `deadline`, keeping an earlier request made in the same call.
    @inlinable
    public mutating func wake(at deadline: Timestamp) {
        if let current = nextDeadline, current <= deadline { return }
        nextDeadline = deadline
    }
}

/// A request to change the serial line itself, executed by the pipeline (sans-IO drivers never
/// touch the port) and recorded in captures.
public enum LineControl: Hashable, Sendable {
    /// Assert (`true`) or drop the DTR modem line.
    case setDTR(Bool)
    /// Assert or drop RTS.
    case setRTS(Bool)
    /// Hold the line in BREAK for the given time.
    case sendBreak(milliseconds: Int)
    /// Switch the line to another speed (some devices negotiate a faster rate after a handshake).
    case setBaudRate(Int)
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
    /// The driver-specific options it accepts; anything else is refused with an error naming these.
    public var options: [DriverOptionSpec]
    /// How often the device normally updates a continuous value; the bridge marks a value stale
    /// when it misses its updates (``ObservationLedger``), learning each value's own period as it goes.
    public var nominalUpdatePeriodNanoseconds: Int64
    /// What each metric can physically be reported as by the device; a `valid` value outside is
    /// turned `invalid` ("outside the device's range") with its number kept.
    public var deviceRanges: DeviceRanges
    /// How `bedside probe` recognizes the device: passive listening or a read-only request
    /// (``DriverDetection``); by default the probe skips the driver.
    public var detection: DriverDetection
    /// Whether the protocol's frames carry a check that shows damage (``FrameCheck``).
    public var frameCheck: FrameCheck = .checksum

    public init(name: String, vendor: String, summary: String, defaultSerialSettings: SerialSettings,
                options: [DriverOptionSpec] = [], nominalUpdatePeriodNanoseconds: Int64 = 5_000_000_000,
                deviceRanges: DeviceRanges = DeviceRanges(), detection: DriverDetection = .notDeclared) {
        self.name = name
        self.vendor = vendor
        self.summary = summary
        self.defaultSerialSettings = defaultSerialSettings
        self.options = options
        self.nominalUpdatePeriodNanoseconds = nominalUpdatePeriodNanoseconds
        self.deviceRanges = deviceRanges
        self.detection = detection
    }
}

/// Options common to every driver, plus the driver's declared ones.
public struct DriverConfiguration: Sendable {
    /// When false the driver only listens: it never transmits (used to decode monitor-only captures).
    public var transmitEnabled: Bool
    /// Requested update interval for periodic data, in seconds, when the protocol lets the host choose.
    public var updateIntervalSeconds: Int?
    /// The zone the device keeps its clock in; device wall-clock readings are resolved in it.
    /// The runtime's default is the host's zone; this library's default is UTC.
    public var deviceTimeZone: any DeviceTimeZone
    /// Whether to emit waveform segments.
    public var waveformsEnabled: Bool
    /// How often the bridge re-states every current value (``DeviceSnapshot``); `nil`: never.
    public var snapshotIntervalNanoseconds: Int64?
    /// Driver-specific options (`key=value` on the command line), checked against the driver's
    /// ``DriverDescriptor/options`` by ``DriverOptionSpec/validate(_:for:)``.
    public var options: [String: String]

    public init(transmitEnabled: Bool = true, updateIntervalSeconds: Int? = nil,
                deviceTimeZone: any DeviceTimeZone = FixedOffsetTimeZone.utc, waveformsEnabled: Bool = true,
                snapshotIntervalNanoseconds: Int64? = 30_000_000_000, options: [String: String] = [:]) {
        self.transmitEnabled = transmitEnabled
        self.updateIntervalSeconds = updateIntervalSeconds
        self.deviceTimeZone = deviceTimeZone
        self.waveformsEnabled = waveformsEnabled
        self.snapshotIntervalNanoseconds = snapshotIntervalNanoseconds
        self.options = options
    }
}
