import BedsideDriver
import BedsideDriverTesting
import BedsideModel

/// The numeric values a simulated device actually put on the line, per metric: the yardstick for
/// "the bridge invented nothing" under link faults.
///
/// Why this is sound: a fresh, unsupervised driver of the same kind (the reference) is fed the
/// simulator's own transmissions *before* the link damaged them (``DriverSession/deviceTransmitted``),
/// at the times they were sent, with its timers run in between; what it sends back is discarded.
/// So the reference decodes exactly the frames the device sent, each once and intact. A value the
/// driver under test reports that the reference never decoded for that metric can only come from
/// damage (a corrupted frame passing a check, two frames spliced by a drop or a split, a duplicate
/// taken for a new value) — which is what the check must catch. The reference is not a second
/// scenario model, so it cannot drift from the simulator; its only blind spot is a decoder bug
/// that both instances share on intact frames, which the vendors' golden tests cover.
///
/// It is a membership check per metric (and instance): a damaged value that happens to equal a
/// value the device sent for the same metric at another time passes. A bit flip almost never
/// lands there: it moves a number by a power of two.
public struct SentValues: Sendable {
    /// Which values belong together: one metric of one source.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var metric: String
        public var instance: UInt16
        public var subdevice: String?

        public init(_ r: NumericReading) {
            metric = r.metric.referenceID ?? r.metric.vendorCode
            instance = r.instance
            subdevice = r.subdevice
        }

        public var description: String { "\(metric)#\(instance)" + (subdevice.map { "@\($0)" } ?? "") }
    }

    private var reference: any DeviceDriver
    private var deadline: Timestamp?
    private var output = DriverOutput()
    private var started = false
    public private(set) var values: [Key: Set<DecimalValue>] = [:]
    /// Frames the reference decoded (all of them intact).
    public private(set) var referenceCounters: [DriverCounter: Int] = [:]

    /// - Parameter driverType: the driver the session under test runs (bare, without its ledger:
    ///   only the values matter here).
    public init(driverType: any DeviceDriver.Type, configuration: DriverConfiguration = DriverConfiguration()) {
        reference = driverType.init(configuration: configuration)
    }

    /// Feeds the simulator's transmissions (in order, as ``DriverSession/drain()`` or
    /// ``DriverSession/deviceTransmitted`` gives them) to the reference.
    public mutating func add(_ chunks: [DriverSession.Chunk]) {
        for chunk in chunks {
            if !started {
                started = true
                call(chunk.time) { $0.start(now: chunk.time, into: &$1) }
            }
            // The reference's own timers (association waits, silence) run as they would have.
            var guardCount = 0
            while let d = deadline, d <= chunk.time, guardCount < 1000 {
                guardCount += 1
                deadline = nil
                call(d) { $0.tick(now: d, into: &$1) }
            }
            call(chunk.time) { $0.receive(chunk.bytes, now: chunk.time, into: &$1) }
        }
    }

    /// Whether the device sent `reading`'s value for its metric (`true` for a reading without a value).
    public func wasSent(_ reading: NumericReading) -> Bool {
        guard let v = reading.value else { return true }
        return values[Key(reading)]?.contains(v) == true
    }

    /// Readings among `observations` whose value the device never sent for that metric.
    public func invented(in observations: [Observation]) -> [NumericReading] {
        observations.compactMap { o in
            if case .numeric(let r) = o, !wasSent(r) { r } else { nil }
        }
    }

    private mutating func call(_ now: Timestamp, _ body: (inout any DeviceDriver, inout DriverOutput) -> Void) {
        output.reset()
        body(&reference, &output)
        for o in output.observations {
            if case .numeric(let r) = o, let v = r.value { values[Key(r), default: []].insert(v) }
        }
        for (k, n) in output.counters { referenceCounters[k, default: 0] += n }
        deadline = output.nextDeadline.map { max($0, now) }
    }
}
