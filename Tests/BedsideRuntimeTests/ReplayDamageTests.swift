import BedsidePlatform
import BedsideTestSupport
import Foundation
import Testing
@testable import BedsideRuntime

/// `bedside replay` on damaged, truncated and streamed inputs: every intact part decoded, each
/// skipped range named on stderr, exit status 3 (0 with --accept-partial), and memory bounded
/// whatever the size of the input.
@Suite("bedside replay of damaged and streamed inputs", .serialized,
       .enabled(if: BedsideTool.available, "needs the built bedside executable"))
struct ReplayDamageTests {
    static let fixture = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/ge-datex/sim-pty-seed1.bbcap").path

    func temporaryFile(_ name: String, _ bytes: Data) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    func remove(_ url: URL) { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }

    @Test("one flipped byte mid-file: the rest replays, stderr names the damaged range, exit 3")
    func flippedByte() throws {
        let intact = try BedsideTool.run(["replay", Self.fixture, "--format", "ndjson"])
        #expect(intact.status == 0, "\(intact.stderr)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        bytes[bytes.count / 2] ^= 0x10
        let file = try temporaryFile("flipped.bbcap", bytes)
        defer { remove(file) }
        let damaged = try BedsideTool.run(["replay", file.path, "--format", "ndjson"])
        #expect(damaged.status == 3, "\(damaged.stderr)")
        #expect(damaged.stderr.contains("damaged"))
        #expect(damaged.stderr.range(of: #"skipped bytes \d+\.\.<\d+"#, options: .regularExpression) != nil, "\(damaged.stderr)")
        #expect(!damaged.stderr.contains("cut short"))
        // Most of the session is still there (one record of 25 lost, not everything after it).
        #expect(damaged.lines.count * 10 >= intact.lines.count * 8, "\(damaged.lines.count) of \(intact.lines.count)")

        let accepted = try BedsideTool.run(["replay", file.path, "--format", "ndjson", "--accept-partial"])
        #expect(accepted.status == 0)
        #expect(accepted.stderr.contains("damaged"))
        #expect(accepted.stdout == damaged.stdout)
    }

    @Test("a truncated capture is reported as cut short, exit 3")
    func truncated() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let file = try temporaryFile("cut.bbcap", bytes.prefix(bytes.count * 2 / 3))
        defer { remove(file) }
        let result = try BedsideTool.run(["replay", file.path, "--format", "ndjson"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("cut short"))
        #expect(!result.lines.isEmpty)
    }

    @Test("a truncated IntelliVue log replays its complete frames (it used to give 0 records, exit 1)",
          .enabled(if: SharedData.available, "needs ../shared/captures"))
    func truncatedLog() throws {
        let log = SharedData.capture("intellivue-mp70/mp70-serial-every.log")
        let bytes = try Data(contentsOf: log)
        let file = try temporaryFile("cut.log", bytes.prefix(bytes.count - 300))
        defer { remove(file) }
        let whole = try BedsideTool.run(["replay", log.path, "--format", "ndjson"])
        let cut = try BedsideTool.run(["replay", file.path, "--format", "ndjson"])
        #expect(cut.status == 3, "\(cut.stderr)")
        #expect(cut.stderr.contains("cut short"))
        #expect(cut.lines.count * 10 >= whole.lines.count * 9, "\(cut.lines.count) of \(whole.lines.count)")
    }

    @Test("replay - reads standard input: a file or a pipe gives the same feed as the path")
    func standardInput() throws {
        let byPath = try BedsideTool.run(["replay", Self.fixture, "--format", "ndjson"])
        let fromFile = try run(["replay", "-", "--format", "ndjson"], stdin: .file(Self.fixture))
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == byPath.stdout)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let fromPipe = try run(["replay", "-", "--format", "ndjson"], stdin: .pipe(totalBytes: bytes.count, { at, count in
            bytes.subdata(in: at..<(at + count))
        }))
        #expect(fromPipe.status == 0, "\(fromPipe.stderr)")
        #expect(fromPipe.stdout == byPath.stdout)
        #expect(fromPipe.stderr.contains("replayed -"))
    }

    @Test("40 MB of zeros through a pipe replays in bounded memory (peak RSS under 64 MB)")
    func zerosThroughAPipe() throws {
        let total = 40 << 20
        let result = try run(["replay", "-", "--raw", "--driver", "ge-datex", "--format", "ndjson", "--start", "2026-12-04T09:30:00Z"],
                             stdin: .pipe(totalBytes: total, { _, count in Data(count: count) }))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(total) bytes received"), "\(result.stderr)")
        let peak = try #require(result.peakKilobytes)
        #expect(peak < 64 * 1024, "peak RSS \(peak) kB")
    }

    @Test("a capture with 20 MB of zeros inside, through a pipe: the records after them replay, memory bounded, exit 3")
    func captureWithZerosThroughAPipe() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let split = bytes.count / 2
        let zeros = 20 << 20
        let result = try run(["replay", "-", "--format", "ndjson"], stdin: .pipe(totalBytes: bytes.count + zeros, { at, count in
            var chunk = Data()
            for (offset, length) in [(at, count)] {
                var o = offset
                while o < offset + length {
                    if o < split {
                        let n = min(split - o, offset + length - o)
                        chunk += bytes.subdata(in: o..<(o + n)); o += n
                    } else if o < split + zeros {
                        let n = min(split + zeros - o, offset + length - o)
                        chunk += Data(count: n); o += n
                    } else {
                        let n = offset + length - o
                        chunk += bytes.subdata(in: (o - zeros)..<(o - zeros + n)); o += n
                    }
                }
            }
            return chunk
        }))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("damaged"))
        let intact = try BedsideTool.run(["replay", Self.fixture, "--format", "ndjson"])
        #expect(result.stdout.split(separator: "\n").count * 10 >= intact.lines.count * 8)
        let peak = try #require(result.peakKilobytes)
        #expect(peak < 64 * 1024, "peak RSS \(peak) kB")
    }

    // MARK: Running with a standard input

    enum Input {
        case file(String)
        /// `totalBytes` written in 1 MiB pieces, each made by the closure (offset, count).
        case pipe(totalBytes: Int, @Sendable (Int, Int) -> Data)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// VmHWM of the child, read after it took all of its input and before it exited.
        var peakKilobytes: Int?
    }

    func run(_ arguments: [String], stdin: Input) throws -> Result {
        let process = Process()
        process.executableURL = BedsideTool.executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var inputPipe: Pipe?
        switch stdin {
        case .file(let path): process.standardInput = FileHandle(forReadingAtPath: path)
        case .pipe:
            inputPipe = Pipe()
            process.standardInput = inputPipe
        }
        try process.run()
        let outData = Locked(Data()), errData = Locked(Data())
        let readers = [Thread { outData.withLock { $0 = out.fileHandleForReading.readToEndRetryingInterrupts() } },
                       Thread { errData.withLock { $0 = err.fileHandleForReading.readToEndRetryingInterrupts() } }]
        readers.forEach { $0.start() }
        var peak: Int?
        if case .pipe(let total, let make) = stdin, let inputPipe {
            let handle = inputPipe.fileHandleForWriting
            var at = 0
            while at < total {
                let count = min(1 << 20, total - at)
                try handle.write(contentsOf: make(at, count))
                at += count
            }
            // The child has read all but what the pipe holds; its high-water mark is final but for that.
            peak = Self.highWaterMark(of: process.processIdentifier)
            try handle.close()
        }
        process.waitUntilExit()
        while readers.contains(where: { !$0.isFinished }) { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.withLock { $0 }, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self), peakKilobytes: peak)
    }

    static func highWaterMark(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}
