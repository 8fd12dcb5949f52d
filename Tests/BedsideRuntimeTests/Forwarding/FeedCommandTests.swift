import BedsideTestSupport
import Foundation
import Testing

@Suite("bedside feed against a running bridge", .serialized)
struct FeedCommandTests {
    @Test("bedside feed --resume 0 --count N reads a running demo's store from seq 1, then follows it live")
    func feedFromDemo() async throws {
        guard BedsideTool.available else {
            Issue.record("bedside executable not built")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-feedcmd-\(UUID().uuidString.prefix(8))").path
        let socket = dir + "/feed.sock"
        let demo = try BedsideTool.launch(["demo", "--format", "ndjson", "--speed", "5", "--seconds", "60", "--data-dir", dir,
                                           "--feed-socket", socket, "--http", "127.0.0.1:0"]) {
            $0.standardOutput = FileHandle.nullDevice
        }
        defer {
            demo.process.interrupt()
            demo.process.waitUntilExit()
            _ = demo.collectedStderr()
            try? FileManager.default.removeItem(atPath: dir)
        }
        var waited = 0
        while !FileManager.default.fileExists(atPath: socket) && waited < 600 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        let result = try BedsideTool.run(["feed", "--socket", socket, "--resume", "0", "--count", "300"])
        #expect(result.status == 0, "\(result.stderr)")
        let seqs = result.lines.compactMap { line -> Int? in
            guard let r = line.range(of: #""seq":"#) else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(seqs == Array(1...300))
        #expect(result.stderr.contains(#"{"feed":"hello""#))
        let chair = try BedsideTool.run(["feed", "--socket", socket, "--resume", "0", "--chair", "chair-2", "--count", "20"])
        #expect(chair.lines.count == 20 && chair.lines.allSatisfy { $0.contains(#""location":"chair-2""#) })
    }
}
