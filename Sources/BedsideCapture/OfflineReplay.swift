import BedsideDriver
import BedsideModel

/// Feeds a capture into a driver on a virtual clock, as fast as the CPU allows, and checks that
/// what the driver transmits matches what was recorded.
///
/// The clock is the capture's: `start` at the header's start time; for each chunk in file order,
/// first `tick` for every deadline the driver asked for up to the chunk's time (each at its
/// deadline), then the chunk: rx bytes go to `receive`, tx bytes are what the bridge sent back
/// then and are compared with what the driver asks to transmit (``TransmitCheck``); at the end
/// `stop` at the last chunk's time. Chunk times that go backwards (a wall-clock step while
/// recording) are clamped to the previous time, because drivers require non-decreasing time.
/// Nothing here reads a clock, so a replay is deterministic.
///
/// ```swift
/// var replay = OfflineReplay(driver: GEDatexDriver(configuration: .init()), capture: header)
/// try replay.run(reader) { observation in … }
/// let report = replay.finish()
/// ```
public struct OfflineReplay<Driver: DeviceDriver> {
    public private(set) var driver: Driver
    private var output = DriverOutput()
    private var deadline: Timestamp?
    private var now: Timestamp
    private var matcher = TransmitMatcher()
    private var report = OfflineReplayReport()
    private var finished = false
    private let onIdentity: ((DeviceIdentityUpdate) -> Void)?

    /// Limits a driver that keeps asking for a tick at a time that has already passed.
    static var maximumTicksPerInstant: Int { 1000 }

    /// Starts the driver at `startTime` (the capture header's start time).
    ///
    /// - Parameter onIdentity: called with every identity fact the driver reports, before the
    ///   observations of the same call (so a feed can stamp those observations with it, as the
    ///   live runtime does).
    public init(driver: Driver, startTime: Timestamp, observe: (Observation) -> Void = { _ in },
                onIdentity: ((DeviceIdentityUpdate) -> Void)? = nil) {
        self.driver = driver
        self.now = startTime
        self.onIdentity = onIdentity
        self.driver.start(now: startTime, into: &output)
        drain(observe)
    }

    /// Feeds one chunk.
    public mutating func feed(
        _ direction: CaptureChunk.Direction, time: Timestamp, bytes: UnsafeRawBufferPointer,
        observe: (Observation) -> Void = { _ in }
    ) {
        precondition(!finished, "OfflineReplay.feed after finish")
        let t = max(time, now)
        if t != time { report.clampedChunks += 1 }
        fireDeadlines(upTo: t, observe)
        now = t
        report.chunks += 1
        switch direction {
        case .rx:
            report.receivedBytes += bytes.count
            driver.receive(bytes, now: t, into: &output)
            drain(observe)
        case .tx:
            report.recordedTransmitBytes += bytes.count
            matcher.recorded(bytes, at: t)
        }
    }

    /// Feeds every chunk of a capture.
    public mutating func run(_ capture: Capture, observe: (Observation) -> Void = { _ in }) {
        for chunk in capture.chunks {
            chunk.bytes.withUnsafeBytes { feed(chunk.direction, time: chunk.time, bytes: $0, observe: observe) }
        }
    }

    /// Streams every remaining chunk of a reader (no copies of the chunk bytes).
    public mutating func run(_ reader: CaptureReader, observe: (Observation) -> Void = { _ in }) throws {
        try reader.forEachChunk { direction, time, bytes in
            feed(direction, time: time, bytes: bytes, observe: observe)
        }
        report.readerWarnings += reader.warnings
    }

    /// Stops the driver at the time of the last chunk and returns the report. Deadlines after the
    /// last chunk are not fired: the capture says nothing about that time.
    public mutating func finish(observe: (Observation) -> Void = { _ in }) -> OfflineReplayReport {
        precondition(!finished, "OfflineReplay.finish called twice")
        finished = true
        driver.stop(now: now, into: &output)
        let stopBytes = output.transmit
        output.transmit.removeAll()
        report.driverTransmitBytes += stopBytes.count
        drain(observe)
        let check = matcher.finish(stopBytes: stopBytes)
        report.transmitCheck = matcher.recordedChunks > 0 ? check : nil
        report.endTime = now
        return report
    }

    private mutating func fireDeadlines(upTo t: Timestamp, _ observe: (Observation) -> Void) {
        var sameInstant = 0
        while let d = deadline, d <= t {
            let tickTime = max(d, now)
            if tickTime == now { sameInstant += 1 } else { sameInstant = 0 }
            guard sameInstant <= Self.maximumTicksPerInstant else {
                report.abandonedTimers += 1
                deadline = nil
                return
            }
            now = tickTime
            report.ticks += 1
            driver.tick(now: tickTime, into: &output)
            drain(observe)
        }
    }

    private mutating func drain(_ observe: (Observation) -> Void) {
        if !output.transmit.isEmpty {
            report.driverTransmitBytes += output.transmit.count
            matcher.driverSent(output.transmit)
        }
        if let id = output.identity {
            report.identity = id
            onIdentity?(id)
        }
        for o in output.observations { observe(o) }
        report.observations += output.observations.count
        for (counter, n) in output.counters { report.counters[counter.name, default: 0] += n }
        deadline = output.nextDeadline
        output.nextDeadline = nil
        output.reset()
    }
}

/// What an offline replay did.
public struct OfflineReplayReport: Sendable {
    /// Chunks fed (rx and tx).
    public var chunks = 0
    public var receivedBytes = 0
    /// Bytes in the capture's tx chunks.
    public var recordedTransmitBytes = 0
    /// Bytes the driver asked to transmit (including at `stop`).
    public var driverTransmitBytes = 0
    public var observations = 0
    public var ticks = 0
    /// Chunks whose time was earlier than the previous one and was clamped.
    public var clampedChunks = 0
    /// Times a driver kept asking for a tick at an instant already passed and was cut off.
    public var abandonedTimers = 0
    /// The last identity the driver reported.
    public var identity: DeviceIdentityUpdate?
    /// The driver's counters, summed over the run.
    public var counters: [String: Int] = [:]
    /// The comparison with the recorded tx chunks; `nil` when the capture has none (listen-only).
    public var transmitCheck: TransmitCheck?
    /// What the reader tolerated (an unreadable tail).
    public var readerWarnings: [CaptureWarning] = []
    /// Virtual time at the end.
    public var endTime: Timestamp?
}
