import BedsideTestSupport
import Foundation
import Testing

/// `bedside run --config` with the forwarding sections: a simulator on a pseudo-terminal bound by
/// device path, one store, one feed socket and an HL7 receiver that is not our code.
@Suite("bedside run --config with store, feed and hl7 sections", .serialized)
struct ConfiguredForwardingTests {
    @Test("records reach the store, a bedside feed --resume client without a gap, and the MLLP receiver in order")
    func storeFeedAndHL7() async throws {
        guard BedsideTool.available else {
            Issue.record("bedside executable not built")
            return
        }
        try #require(MLLPTestReceiver.available, "python-hl7 is not installed: run scripts/install-deps")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-cfgfwd-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try MLLPTestReceiver(logPath: dir + "/received.jsonl")
        defer { receiver.stop() }
        let (ge, tty) = try CaptureCommandTests.startSimulator("ge-datex")
        defer { ge.interrupt(); ge.waitUntilExit() }
        let socket = dir + "/feed.sock"
        let config = dir + "/bedside.yaml"
        try """
            ports:
              - { device: \(tty), driver: ge-datex, location: chair-7, simulated: true }
            store:
              data-dir: \(dir)/store
              durability: process
            feed:
              socket: \(socket)
            hl7:
              - name: engine
                host: 127.0.0.1
                port: \(receiver.port)
                facility: CLINIC
                ack-timeout-seconds: 10
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let bridge = try BedsideTool.launch(["run", "--config", config, "--format", "ndjson"]) {
            $0.standardOutput = FileHandle.nullDevice
        }
        var stopped = false
        defer {
            if !stopped {
                bridge.process.interrupt()
                bridge.process.waitUntilExit()
                _ = bridge.collectedStderr()
            }
        }
        var waited = 0
        while !FileManager.default.fileExists(atPath: socket) && waited < 600 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(FileManager.default.fileExists(atPath: socket), "the feed socket of the configuration was not served")
        // Let records pile up in the store first, so the client's stream crosses from stored to live.
        try await Task.sleep(for: .seconds(3))
        let feed = try BedsideTool.run(["feed", "--socket", socket, "--resume", "0", "--count", "150"], interruptAfter: 90)
        #expect(feed.status == 0, "\(feed.stderr)")
        let records = feed.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.compactMap { $0["seq"] as? Int } == Array(1...150), "seq 1…150 with no gap and no duplicate")
        #expect(records.allSatisfy { ($0["device"] as? [String: Any])?["location"] as? String == "chair-7" })
        #expect(records.allSatisfy { $0["simulated"] as? Bool == true })

        let got = await receiver.wait(seconds: 60) { r in r.filter { $0.message.contains("ORU^R01") }.count >= 5 }
        let observations = got.filter { $0.message.contains("ORU^R01") }
        #expect(observations.count >= 5, "the hl7 section's receiver got \(got.count) messages")
        #expect(got.allSatisfy { $0.ack == "AA" })
        let ids = got.map(\.controlId)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "delivered in outbox order, each once: \(ids.prefix(10))")
        #expect(got.allSatisfy { $0.message.contains("CLINIC") }, "the section's facility is in MSH-4 / PV1-3")
        for m in got.prefix(50) { #expect(PCDRules.check(m.message).isEmpty, "\(PCDRules.check(m.message))") }
        if HL7StrictValidator.available {
            let results = try HL7StrictValidator.validate(got.prefix(50).map(\.message))
            #expect(results.compactMap { $0 }.isEmpty, "\(results.compactMap { $0 }.prefix(3))")
        }

        bridge.process.interrupt()
        bridge.process.waitUntilExit()
        stopped = true
        let stderr = bridge.collectedStderr()
        #expect(bridge.process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("feed service listening on"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/store/bedside.sqlite"))
    }
}
