import BedsideDriver
import BedsideModel
import BedsideRuntime

/// Offline decoding throughput: a raw capture fed through a driver with transmit disabled, the
/// way an offline replay runs, repeated; plus the same with every record encoded as an NDJSON
/// line (the cost of the feed itself).
struct ReplayBench {
    var bytes: [UInt8]
    var driver: String
    var repetitions: Int
    /// Bytes per `receive` call, like reads from a port or chunks of a capture.
    var chunkSize = 4096

    struct Result {
        var decodeSeconds: [Double]
        var encodeSeconds: [Double]
        var observations: Int
        /// Span of the device's (or else the host's) timestamps in the decoded records.
        var captureSeconds: Double?
    }

    func run() throws -> Result {
        let driverType = try DriverCatalog.registry.driverType(named: driver)
        var decode: [Double] = []
        var encode: [Double] = []
        var observations = 0
        var span: Double?
        for _ in 0..<repetitions {
            let (seconds, count, s) = replay(driverType, encodeJSON: false)
            decode.append(seconds)
            observations = count
            span = s
        }
        for _ in 0..<repetitions {
            encode.append(replay(driverType, encodeJSON: true).0)
        }
        return Result(decodeSeconds: decode, encodeSeconds: encode, observations: observations, captureSeconds: span)
    }

    private func replay(_ type: any DeviceDriver.Type, encodeJSON: Bool) -> (Double, Int, Double?) {
        replayOpened(type.init(configuration: DriverConfiguration(transmitEnabled: false)), encodeJSON: encodeJSON)
    }

    private func replayOpened<D: DeviceDriver>(_ initial: D, encodeJSON: Bool) -> (Double, Int, Double?) {
        var driver = initial
        var output = DriverOutput()
        let writer = FeedJSONWriter()
        let identity = DeviceIdentity(driver: D.descriptor.name, vendor: D.descriptor.vendor, port: "bench")
        var line = [UInt8]()
        line.reserveCapacity(1024)
        var count = 0
        var seq: UInt64 = 0
        var first: Timestamp?, last: Timestamp?
        // Host time advances with the bytes as if they arrived at 115200 baud, so drivers that
        // look at time see it move.
        let base = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let start = BridgeClock.monotonicNanoseconds()
        driver.start(now: base, into: &output)
        output.reset()
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + chunkSize, all.count)
                let now = base.adding(nanoseconds: Int64(end) * 86_806)
                driver.receive(UnsafeRawBufferPointer(rebasing: all[offset..<end]), now: now, into: &output)
                count += output.observations.count
                for o in output.observations {
                    let t = o.deviceTimeOrHostTime
                    if first == nil { first = t }
                    last = t
                    if encodeJSON {
                        seq += 1
                        line.removeAll(keepingCapacity: true)
                        writer.append(FeedRecord(seq: seq, device: identity, observation: o), to: &line)
                    }
                }
                output.reset()
                offset = end
            }
        }
        let seconds = Double(BridgeClock.monotonicNanoseconds() - start) / 1e9
        var span: Double?
        if let first, let last, last > first { span = Double(last.nanoseconds(since: first)) / 1e9 }
        return (seconds, count, span)
    }
}

extension Observation {
    var deviceTimeOrHostTime: Timestamp {
        switch self {
        case .numeric(let r): r.deviceTime ?? r.hostTime
        case .waveform(let w): w.deviceTime ?? w.hostTime
        case .alarm(let a): a.deviceTime ?? a.hostTime
        case .pumpChannel(let p): p.deviceTime ?? p.hostTime
        case .link(let l): l.hostTime
        }
    }
}
