import BedsideMLLP
import BedsideStore
import BedsideTestSupport
import Foundation
import GRDB
import Logging
import Testing

@Suite("HL7 delivery under kill -9", .serialized)
struct HL7KillTests {
    @Test("bedside demo killed mid-delivery 8 times: after restart none lost, in order, duplicates only with the same MSH-10 and bytes")
    func killDuringDelivery() async throws {
        guard BedsideTool.available else {
            Issue.record("bedside executable not built")
            return
        }
        try #require(MLLPTestReceiver.available, "python-hl7 is not installed: run scripts/install-deps")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-hl7kill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let receiver = try MLLPTestReceiver(logPath: dir + "/received.jsonl")
        defer { receiver.stop() }
        var random = SplitMix64(state: 1016)
        for _ in 0..<8 {
            let launched = try BedsideTool.launch(
                ["demo", "--format", "ndjson", "--speed", "20", "--data-dir", dir + "/store", "--durability", "process",
                 "--hl7", "127.0.0.1:\(receiver.port)", "--hl7-ack-timeout", "2"]
            ) { $0.standardOutput = FileHandle.nullDevice }
            try await Task.sleep(for: .milliseconds(800 + Int(random.next() % 1500)))
            kill(launched.process.processIdentifier, SIGKILL)
            launched.process.waitUntilExit()
            _ = launched.collectedStderr()
        }
        // The restart that finishes the job: the same outbox, a sender resuming from it.
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir + "/store"))
        let config = HL7ReceiverConfiguration(name: "127.0.0.1:\(receiver.port)", host: "127.0.0.1", port: receiver.port,
                                              ackTimeoutSeconds: 15)
        let delivery = try HL7Delivery(configuration: config, store: store, logger: Logger(label: "test"))
        let task = Task { await delivery.sender.run() }
        let created = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'hl7_outbox'") ?? 0
        }
        #expect(created >= 8, "the demo runs should have produced messages")
        let ids = (1...max(created, 1)).map { "BB" + String(repeating: "0", count: 12 - String($0).count) + String($0) }
        let got = await receiver.wait(seconds: 180) { r in Set(r.map(\.controlId)).isSuperset(of: ids) }
        // The receiver logs a message as it sends the ACK; the sender deletes it from the outbox
        // once that ACK is in. Wait for the outbox to drain (a loaded machine takes a while).
        func outboxCount() throws -> Int { try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hl7_outbox") } ?? -1 }
        try await waitUntil(seconds: 60) { try outboxCount() == 0 }
        delivery.sender.stop()
        await task.value
        #expect(try outboxCount() == 0)
        await store.close()

        var firstSeen: [String: String] = [:]
        var order: [String] = []
        for r in got {
            if let earlier = firstSeen[r.controlId] {
                #expect(earlier == r.message, "a resend of \(r.controlId) changed its content")
            } else {
                firstSeen[r.controlId] = r.message
                order.append(r.controlId)
            }
        }
        #expect(Set(order) == Set(ids), "every message created was delivered")
        #expect(order == order.sorted(), "first deliveries in outbox order")
        #expect(got.allSatisfy { $0.ack == "AA" })
        let sample = Array(firstSeen.values.sorted().prefix(400))
        for m in sample { #expect(PCDRules.check(m).isEmpty, "\(PCDRules.check(m))") }
        if HL7StrictValidator.available {
            let results = try HL7StrictValidator.validate(sample)
            #expect(results.compactMap { $0 }.isEmpty, "\(results.compactMap { $0 }.prefix(3))")
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
