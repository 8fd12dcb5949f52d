import BedsideModel
import Foundation
import Testing
@testable import BedsideStore

/// A fresh data directory per test.
func temporaryDataDirectory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-store-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func record(_ seq: UInt64, bridgeId: String = "00000000000000aa", location: String = "chair-1",
            metric: String = "MDC_ECG_HEART_RATE", value: Int64 = 72, hostSeconds: Int64 = 1_800_000_000) -> FeedRecord {
    var device = DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/ttyS0", location: location)
    device.assignID()
    let reading = NumericReading(
        metric: MetricIdentity(referenceID: metric, code: 147842, vendorCode: "toy:hr"),
        value: DecimalValue(mantissa: value, exponent: 0), unit: "/min", unitCode: 264864, state: .valid,
        deviceTime: nil, hostTime: Timestamp(secondsSinceEpoch: hostSeconds))
    return FeedRecord(seq: seq, bridgeId: bridgeId, device: device, observation: .numeric(reading))
}

@Suite("Record store")
struct RecordStoreTests {
    @Test("records are committed in order, readable after seq, with the feed line as written")
    func commitAndRead() async throws {
        let dir = temporaryDataDirectory()
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir), newBridgeId: "00000000000000aa")
        let records = (1...500).map { record(UInt64($0), value: Int64($0)) }
        for chunk in stride(from: 0, to: records.count, by: 7) {
            store.append(Array(records[chunk..<min(chunk + 7, records.count)]))
        }
        await store.flush()
        #expect(store.lastSeq == 500)
        let read = try store.records(after: 100, limit: 1000)
        #expect(read.map(\.seq) == Array(101...500))
        #expect(read[0].json == Array(FeedJSONWriter().line(for: records[100]).utf8))
        #expect(read[0].metric == "MDC_ECG_HEART_RATE")
        #expect(read[0].location == "chair-1")
        await store.close()
    }

    @Test("bridge id and last seq survive reopening; appends out of order are refused")
    func identitySurvivesRestart() async throws {
        let dir = temporaryDataDirectory()
        do {
            let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
            #expect(store.bridgeId.count == 16)
            store.append((1...10).map { record(UInt64($0), bridgeId: store.bridgeId) })
            await store.close()
        }
        let first = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir), newBridgeId: "ffffffffffffffff")
        #expect(first.bridgeId != "ffffffffffffffff")
        #expect(first.lastSeq == 10)
        first.append([record(5)])  // a repeat of a committed seq
        first.append([record(11)])
        await first.flush()
        #expect(try first.records(after: 0).map(\.seq) == Array(1...11))
        await first.close()
    }

    @Test("filters select by chair, device, kind and metric, also on resume from the store")
    func filters() async throws {
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: temporaryDataDirectory()))
        store.append([
            record(1, location: "chair-1", metric: "MDC_ECG_HEART_RATE"),
            record(2, location: "chair-2", metric: "MDC_ECG_HEART_RATE"),
            record(3, location: "chair-2", metric: "MDC_PULS_OXIM_SAT_O2"),
        ])
        await store.flush()
        #expect(try store.records(after: 0, filter: RecordFilter(locations: ["chair-2"])).map(\.seq) == [2, 3])
        #expect(try store.records(after: 0, filter: RecordFilter(metrics: ["MDC_PULS_OXIM_SAT_O2"])).map(\.seq) == [3])
        #expect(try store.records(after: 0, filter: RecordFilter(kinds: ["alarm"])).isEmpty)
        let live = RecordFilter(locations: ["chair-2"], metrics: ["MDC_ECG_HEART_RATE"])
        #expect(try store.records(after: 0, filter: live).map(\.seq) == [2])
        #expect(try store.records(after: 0).filter(live.matches).map(\.seq) == [2])
        await store.close()
    }

    @Test("retention deletes by age and by size, oldest first, and the seq keeps counting")
    func retention() async throws {
        var config = StoreConfiguration(dataDirectory: temporaryDataDirectory())
        config.maxAgeSeconds = 3600
        config.maxBytes = 1 << 20
        config.retentionIntervalSeconds = 3600  // only when called, or when over the size bound
        let store = try RecordStore(configuration: config)
        let now: Int64 = 1_800_000_000
        // 100 records two hours old, then enough fresh ones to pass 1 MiB.
        store.append((1...100).map { record(UInt64($0), hostSeconds: now - 7200) })
        await store.flush()
        #expect(store.runRetention(now: Timestamp(secondsSinceEpoch: now)) == 100)
        #expect(store.firstRetainedSeq == nil)
        let perRecord = Int64(FeedJSONWriter().line(for: record(1)).utf8.count)
        let count = Int((config.maxBytes / perRecord) * 2)
        store.append((101...(100 + count)).map { record(UInt64($0), hostSeconds: now) })
        await store.flush()
        store.runRetention(now: Timestamp(secondsSinceEpoch: now))
        #expect(store.storedBytes <= config.maxBytes)
        let first = try #require(store.firstRetainedSeq)
        #expect(first > 101)
        let rest = try store.records(after: 0, limit: count)
        #expect(rest.first?.seq == first)
        #expect(rest.last?.seq == UInt64(100 + count))
        #expect(store.lastSeq == UInt64(100 + count))
        await store.close()
        // Even when retention emptied the table once, numbering continues after a restart.
        let reopened = try RecordStore(configuration: config)
        #expect(reopened.lastSeq == UInt64(100 + count))
        await reopened.close()
    }

    @Test("committed subscribers get records only after commit; one that does not read is cut off with its seq")
    func committedSubscribers() async throws {
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: temporaryDataDirectory()))
        let fast = store.committed.subscribe(bufferSize: 1000)
        let slow = store.committed.subscribe(bufferSize: 10)
        store.append((1...50).map { record(UInt64($0)) })
        await store.flush()
        var seen: [UInt64] = []
        for await r in fast {
            // Committed means readable from the database by then.
            #expect(try store.records(after: r.seq - 1, limit: 1).first?.seq == r.seq)
            seen.append(r.seq)
            if seen.count == 50 { break }
        }
        await store.close()
        #expect(seen == Array(1...50))
        var slowSeen: [UInt64] = []
        for await r in slow { slowSeen.append(r.seq) }
        #expect(slowSeen == Array(1...10))
        #expect(slow.overflowedAt == 11)
    }

    @Test("a sink cursor never moves backwards and survives reopening")
    func cursors() async throws {
        let dir = temporaryDataDirectory()
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        #expect(try store.cursor(of: "hl7:a") == nil)
        try store.setCursor(40, of: "hl7:a")
        try store.setCursor(30, of: "hl7:a")
        #expect(try store.cursor(of: "hl7:a") == 40)
        await store.close()
        let reopened = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        #expect(try reopened.cursor(of: "hl7:a") == 40)
        await reopened.close()
    }

    @Test("configuration errors name the setting")
    func configurationErrors() {
        #expect(throws: StoreError.self) { try StoreConfiguration(dataDirectory: "").validate() }
        #expect(throws: StoreError.self) { try StoreConfiguration(dataDirectory: "/tmp/x", maxBytes: 10).validate() }
        #expect(throws: StoreError.self) { try StoreConfiguration(dataDirectory: "/tmp/x", maxAgeSeconds: -1).validate() }
    }
}
