import Foundation
import Testing

/// `bedside replay` of a raw dump without `--driver`: the protocol sniffer picks the driver (and
/// the variant's options), or the command refuses with the sniffer's reason.
@Suite("replay recognizes a raw dump's protocol", .serialized)
struct ReplaySniffTests {
    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sniff-\(getpid())-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// monitors.md §D.14 Rad-8 line, four seconds of it.
    static let masimo: [UInt8] = (45...48).flatMap { s in
        Array("02/22/16 22:47:\(s) SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800\r\n".utf8)
    }

    @Test(.enabled(if: BedsideTool.available, "build the bedside product first"))
    func aMasimoDumpReplaysWithoutDriver() throws {
        let path = try Self.write(Self.masimo, "masimo.raw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BedsideTool.run(["replay", path, "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("recognized masimo-ascii"))
        #expect(result.stdout.contains("\"metric\":\"MDC_PULS_OXIM_SAT_O2\""))
    }

    @Test(.enabled(if: BedsideTool.available, "build the bedside product first"))
    func noiseIsRefusedWithTheReason() throws {
        var state: UInt64 = 7
        let noise = (0..<5000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let path = try Self.write(noise, "noise.raw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BedsideTool.run(["replay", path, "--format", "ndjson"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("not recognized (unknown"), "\(result.stderr)")
        #expect(result.stderr.contains("pass --driver"))
        #expect(result.stdout.isEmpty)
    }
}
