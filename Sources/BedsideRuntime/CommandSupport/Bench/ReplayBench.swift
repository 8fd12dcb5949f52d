import BedsidePlatform
import Glibc
import BedsideCapture
import BedsideDriver
import BedsideModel

/// Offline decoding throughput: a recording's rx chunks (a capture's, an IntelliVue log's stamped
/// frames, or a raw dump cut into 64-byte reads) fed through a driver with transmit disabled,
/// repeated; plus the same with every record encoded as an NDJSON line (the cost of the feed
/// itself). Throughput is counted in bytes received from the device.
public struct ReplayBench {
    var chunks: [CaptureChunk]
    var driver: String
    var repetitions: Int

    public struct Result {
        public var decodeSeconds: [Double]
        public var encodeSeconds: [Double]
        public var observations: Int
        /// Span of the device's clock in the decoded records.
        public var captureSeconds: Double?
    }

    public init(chunks: [CaptureChunk], driver: String, repetitions: Int) {
        var chunks = chunks
        if let m = getenv("BENCH_MERGE").flatMap({ Int(String(cString: $0)) }) {
            var merged: [CaptureChunk] = []
            for c in chunks {
                if var last = merged.last, last.bytes.count + c.bytes.count <= m { last.bytes += c.bytes; merged[merged.count - 1] = last } else { merged.append(c) }
            }
            chunks = merged
        }
        self.chunks = chunks
        self.driver = driver
        self.repetitions = repetitions
    }

    public func run() throws -> Result {
        let driverType = try DriverCatalog.registry.driverType(named: driver)
        var decode: [Double] = []
        var encode: [Double] = []
        // One untimed pass counts the records and measures the device-clock span (reading every
        // record's time is not part of decoding), and warms the caches.
        let (_, observations, span) = replay(driverType, encodeJSON: false, measureSpan: true)
        for _ in 0..<repetitions {
            decode.append(replay(driverType, encodeJSON: false).0)
        }
        for _ in 0..<repetitions {
            encode.append(replay(driverType, encodeJSON: true).0)
        }
        return Result(decodeSeconds: decode, encodeSeconds: encode, observations: observations, captureSeconds: span)
    }

    private func replay(_ type: any DeviceDriver.Type, encodeJSON: Bool, measureSpan: Bool = false) -> (Double, Int, Double?) {
        if getenv("BENCH_RAW") != nil {
            return replayOpened(type.init(configuration: DriverConfiguration(transmitEnabled: false)), encodeJSON: encodeJSON, measureSpan: measureSpan)
        }
        return replayOpened(type.supervised(configuration: DriverConfiguration(transmitEnabled: false)), encodeJSON: encodeJSON,
                     measureSpan: measureSpan)
    }

    private func replayOpened<D: DeviceDriver>(_ initial: D, encodeJSON: Bool, measureSpan: Bool) -> (Double, Int, Double?) {
        var driver = initial
        var output = DriverOutput()
        let encoder = FeedLineEncoder()
        let identity = DeviceIdentity(driver: D.descriptor.name, vendor: D.descriptor.vendor, port: "bench")
        var line = [UInt8]()
        line.reserveCapacity(1024)
        var count = 0
        var seq: UInt64 = 0
        var first: Timestamp?, last: Timestamp?
        // The reads laid end to end in one buffer before the clock starts: handing each chunk's own
        // array to the driver counted references per read, which is the harness, not decoding.
        let all = chunks.flatMap(\.bytes)
        var ends: [Int] = []
        ends.reserveCapacity(chunks.count)
        for chunk in chunks { ends.append((ends.last ?? 0) + chunk.bytes.count) }
        let times = chunks.map(\.time)
        let start = BridgeClock.monotonicNanoseconds()
        driver.start(now: chunks.first?.time ?? Timestamp(nanosecondsSinceEpoch: 0), into: &output)
        output.reset()
        all.withUnsafeBytes { all in
            for k in ends.indices {
                let read = UnsafeRawBufferPointer(rebasing: all[(k == 0 ? 0 : ends[k - 1])..<ends[k]])
                driver.receive(read, now: times[k], into: &output)
                count += output.observations.count
                // Decoding alone looks at no observation (the harness's own loop is not decoding).
                if measureSpan || encodeJSON {
                    // Through the buffer: an element passed from the array itself is copied first.
                    output.observations.withUnsafeBufferPointer { observations in
                        for i in observations.indices {
                            if measureSpan, let t = observations[i].deviceTime?.instant {
                                if first.map({ t < $0 }) ?? true { first = t }
                                if last.map({ t > $0 }) ?? true { last = t }
                            }
                            if encodeJSON {
                                seq += 1
                                line.removeAll(keepingCapacity: true)
                                encoder.append(seq: seq, device: identity, observation: observations[i], to: &line)
                            }
                        }
                    }
                }
                output.reset()
            }
        }
        let seconds = Double(BridgeClock.monotonicNanoseconds() - start) / 1e9
        var span: Double?
        if let first, let last, last > first { span = Double(last.nanoseconds(since: first)) / 1e9 }
        return (seconds, count, span)
    }
}
