import BedsideStore
import Foundation
import BedsideTestSupport
import Testing

@Suite("Durable store under kill -9", .serialized)
struct StoreKillTests {
    /// Parses the fields the check needs from a stored feed line.
    struct Line: Decodable {
        var seq: UInt64
        var bridgeId: String
    }

    @Test("the bridge killed mid-stream 20 times: every committed record is there once, numbered without gaps, one bridge id")
    func killNineRepeatedly() async throws {
        guard BedsideTool.available else {
            Issue.record("bedside executable not built")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-kill-\(UUID().uuidString)").path
        var random = SplitMix64(state: 16)
        var lastSeqs: [UInt64] = []
        for _ in 0..<20 {
            let launched = try BedsideTool.launch(
                ["demo", "--format", "ndjson", "--speed", "20", "--data-dir", dir, "--durability", "process"]
            ) { process in
                process.standardOutput = FileHandle.nullDevice
            }
            // Let it run between 0.4 and 1.6 s: sometimes mid-start, mostly mid-stream.
            let millis = 400 + Int(random.next() % 1200)
            try await Task.sleep(for: .milliseconds(millis))
            kill(launched.process.processIdentifier, SIGKILL)
            launched.process.waitUntilExit()
            _ = launched.collectedStderr()
            let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
            lastSeqs.append(store.lastSeq)
            await store.close()
        }
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        let integrity = try store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        var all: [StoredRecord] = []
        while true {
            let page = try store.records(after: all.last?.seq ?? 0, limit: 5000)
            if page.isEmpty { break }
            all += page
        }
        #expect(!all.isEmpty)
        #expect(all.map(\.seq) == Array(1...UInt64(all.count)), "seq runs 1…N with no gap and no repeat across restarts")
        let decoder = JSONDecoder()
        for record in all {
            let line = try decoder.decode(Line.self, from: Data(record.json))
            #expect(line.seq == record.seq)
            #expect(line.bridgeId == store.bridgeId)
        }
        // Numbering never went backwards across the kills, and most runs got records in.
        #expect(lastSeqs == lastSeqs.sorted())
        #expect(Set(lastSeqs).count >= 10, "most of the 20 runs should have committed something: \(lastSeqs)")
        await store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
