import BedsideModel

/// A driver together with its ``ObservationLedger``: what the runtime, the replay harness and the
/// tests actually run, so every driver gets range checks, staleness marks, alarm ends on link loss
/// and snapshots the same way.
///
/// It is itself a ``DeviceDriver``: callers feed bytes and ticks exactly as to the wrapped driver.
/// The deadline it asks for is the earlier of the driver's and the ledger's; a tick reaches the
/// wrapped driver only when the driver's own deadline has come.
public struct SupervisedDriver<Wrapped: DeviceDriver>: DeviceDriver {
    public static var descriptor: DriverDescriptor { Wrapped.descriptor }

    public private(set) var driver: Wrapped
    private var ledger: ObservationLedger
    private var driverDeadline: Timestamp?

    public init(configuration: DriverConfiguration) {
        self.init(Wrapped(configuration: configuration), configuration: configuration)
    }

    public init(_ driver: Wrapped, configuration: DriverConfiguration) {
        self.driver = driver
        self.ledger = ObservationLedger(descriptor: Wrapped.descriptor, configuration: configuration)
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        ledger.start(now: now)
        driver.start(now: now, into: &output)
        finish(now: now, &output)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        driver.receive(bytes, now: now, into: &output)
        finish(now: now, &output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        if let d = driverDeadline, d <= now {
            driverDeadline = nil
            driver.tick(now: now, into: &output)
            finish(now: now, &output)
        } else {
            // Only the ledger is due: the driver's own request still stands.
            output.nextDeadline = nil
        }
        ledger.tick(now: now, into: &output.observations)
        output.nextDeadline = Self.earliest(driverDeadline, ledger.nextDeadline)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        driver.stop(now: now, into: &output)
        finish(now: now, &output)
    }

    public mutating func announce(_ event: LinkEvent, into output: inout DriverOutput) {
        var observations: [Observation] = [.link(event)]
        ledger.absorb(&observations, now: event.hostTime)
        output.observations.append(contentsOf: observations)
        output.nextDeadline = Self.earliest(driverDeadline, ledger.nextDeadline)
    }

    private mutating func finish(now: Timestamp, _ output: inout DriverOutput) {
        driverDeadline = output.nextDeadline
        if !output.observations.isEmpty { ledger.absorb(&output.observations, now: now) }
        output.nextDeadline = Self.earliest(driverDeadline, ledger.nextDeadline)
    }

    private static func earliest(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        switch (a, b) {
        case let (x?, y?): min(x, y)
        case let (x?, nil): x
        case let (nil, y?): y
        case (nil, nil): nil
        }
    }
}
