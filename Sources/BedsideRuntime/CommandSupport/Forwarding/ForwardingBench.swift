import BedsideFeedService
import BedsideMLLP
import BedsideModel
import BedsidePlatform
import BedsideStore
import Foundation
import Glibc
import Logging

/// `bedside bench-forwarding`: what forwarding costs. Synthetic heart-rate records of 16 devices,
/// numbered by a real bus into a real store in a temporary directory:
/// 1. the store alone: records per second appended → committed, and CPU time per record;
/// 2. through the store to a feed client on the Unix socket: records per second end to end;
/// 3. through the store to an MLLP receiver (when one is given): messages per second acknowledged.
public struct ForwardingBench: Sendable {
    public var records: Int
    public var durability: StoreConfiguration.Durability
    public var hl7Receiver: HL7ReceiverConfiguration?

    public init(records: Int, durability: StoreConfiguration.Durability, hl7Receiver: HL7ReceiverConfiguration?) {
        self.records = records
        self.durability = durability
        self.hl7Receiver = hl7Receiver
    }

    public struct Result: Sendable {
        public var storeRecordsPerSecond: Double
        public var storeCPUMicrosecondsPerRecord: Double
        public var publishMicrosecondsPerRecord: Double
        public var feedRecordsPerSecond: Double
        public var hl7MessagesPerSecond: Double?
        public var hl7Messages: Int?
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func observations(_ count: Int, offset: Int) -> [(Int, Observation)] {
        (0..<count).map { i in
            let n = i + offset
            let t = Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(n / 16))
            let reading = NumericReading(
                metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "bench:hr"),
                containment: Containment(vmd: 1, channel: 1, metric: 1, vmdCode: 69798, channelCode: 69799),
                value: DecimalValue(mantissa: Int64(60 + n % 40)), unit: "/min", unitCode: 264864, state: .valid,
                deviceTime: .utc(t), hostTime: t)
            return (n % 16, .numeric(reading))
        }
    }

    func withBridge<T>(_ body: (RecordStore, FeedBus, [FeedSource], String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir, durability: durability), logger: logger)
        let bus = FeedBus(bridgeId: store.bridgeId, lastSeq: store.lastSeq, journal: store)
        let sources = (0..<16).map { bus.addSource(identity: DeviceIdentity(driver: "bench", vendor: "Bench", port: "/dev/bench\($0)", location: "chair-\($0 + 1)")) }
        let result = try await body(store, bus, sources, dir)
        await store.close()
        return result
    }

    public func run() async throws -> Result {
        // 1. Store alone.
        let (storeRate, cpuPerRecord, publishPerRecord) = try await withBridge { store, _, sources, _ in
            let batch = observations(records, offset: 0)
            let cpu0 = Self.cpuSeconds()
            let start = ContinuousClock.now
            for (device, observation) in batch { sources[device].publish(observation) }
            let published = ContinuousClock.now - start
            await store.flush()
            let elapsed = ContinuousClock.now - start
            let cpu = Self.cpuSeconds() - cpu0
            return (Double(records) / seconds(elapsed), cpu / Double(records) * 1e6, seconds(published) / Double(records) * 1e6)
        }
        // 2. Through the store to a feed client.
        let feedRate = try await withBridge { store, _, sources, dir in
            let server = FeedSocketServer(configuration: FeedServiceConfiguration(unixSocketPath: dir + "/feed.sock", clientBufferRecords: records + 16),
                                          store: store)
            let listeners = try await server.bind()
            let serving = Task { await server.serve(listeners) }
            defer { server.stop() }
            let target = UInt64(records)
            let client = Task {
                var last: UInt64 = 0
                try await FeedClient(endpoint: .unixSocket(dir + "/feed.sock")).run(FeedRequest(resumeAfter: 0)) { line in
                    if let r = line.range(of: #""seq":"#) { last = UInt64(line[r.upperBound...].prefix { $0.isNumber }) ?? last }
                    return last < target
                }
            }
            let start = ContinuousClock.now
            for (device, observation) in observations(records, offset: 0) { sources[device].publish(observation) }
            try await client.value
            let elapsed = ContinuousClock.now - start
            server.stop()
            await serving.value
            return Double(records) / seconds(elapsed)
        }
        // 3. Through the store to an MLLP receiver.
        var hl7Rate: Double?
        var hl7Count: Int?
        if let hl7Receiver {
            (hl7Rate, hl7Count) = try await withBridge { store, _, sources, _ in
                let delivery = try HL7Delivery(configuration: hl7Receiver, store: store, logger: Logger(label: "bench"))
                let sender = Task { await delivery.sender.run() }
                let start = ContinuousClock.now
                for (device, observation) in observations(records, offset: 0) { sources[device].publish(observation) }
                await store.flush()
                let made = try store.read { db in try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'hl7_outbox'") ?? 0 }
                while try delivery.sender.counts().pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
                let elapsed = ContinuousClock.now - start
                delivery.sender.stop()
                await sender.value
                return (Double(made) / seconds(elapsed), made)
            }
        }
        return Result(storeRecordsPerSecond: storeRate, storeCPUMicrosecondsPerRecord: cpuPerRecord,
                      publishMicrosecondsPerRecord: publishPerRecord, feedRecordsPerSecond: feedRate,
                      hl7MessagesPerSecond: hl7Rate, hl7Messages: hl7Count)
    }
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
