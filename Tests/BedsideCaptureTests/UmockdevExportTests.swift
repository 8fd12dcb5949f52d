import BedsideTestSupport
import BedsideModel
@testable import BedsideCapture
import Glibc
import Testing

@Suite struct UmockdevExportTests {
    @Test func escapingFollowsUmockdevRules() {
        func esc(_ b: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            UmockdevScriptExporter.escape(b, into: &out)
            return out
        }
        #expect(esc([0x00]) == Array("^@".utf8))
        #expect(esc([0x0A, 0x0D]) == Array("^J^M".utf8))
        #expect(esc([0x1B, 0x1E, 0x1F]) == Array("^[^^^_".utf8))
        #expect(esc([0x5E]) == Array("^`".utf8))
        #expect(esc([0x20, 0x7E, 0x7D, 0x7F, 0xC0, 0xFF]) == [0x20, 0x7E, 0x7D, 0x7F, 0xC0, 0xFF])
        // Every byte value survives a round trip and no escaped form contains a line break.
        let all = (0...255).map { UInt8($0) }
        let escaped = esc(all)
        #expect(!escaped.contains(0x0A) && !escaped.contains(0x0D))
        #expect(UmockdevScriptExporter.unescape(escaped[...]) == all)
    }

    @Test func scriptLinesCarryDirectionDelayAndData() throws {
        let capture = Capture(header: sampleHeader(), chunks: [
            CaptureChunk(time: t0, direction: .tx, bytes: Array("*IDN?\r".utf8)),
            CaptureChunk(time: t0.adding(nanoseconds: 20_400_000), direction: .rx, bytes: [0x41, 0x0D, 0x0A]),
            CaptureChunk(time: t0.adding(nanoseconds: 20_900_000), direction: .rx, bytes: []),
            CaptureChunk(time: t0.adding(nanoseconds: 41_000_000), direction: .rx, bytes: [0x20, 0x42]),  // joined
            CaptureChunk(time: t0.adding(nanoseconds: 1_041_000_000), direction: .rx, bytes: [0x5E, 0xFF]),
        ])
        let text = String(decoding: try UmockdevScriptExporter().script(for: capture), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["w 0 *IDN?^M", "r 20 A^M^J B", "r 1021 ^`\u{FFFD}"])
        let fast = String(decoding: try UmockdevScriptExporter(speed: nil).script(for: capture), as: UTF8.self)
        #expect(fast.split(separator: "\n").filter { !$0.hasPrefix("#") }.allSatisfy { $0.dropFirst(2).hasPrefix("0 ") })

        let unjoinable = Capture(header: sampleHeader(), chunks: [
            CaptureChunk(time: t0, direction: .tx, bytes: [0x41]),
            CaptureChunk(time: t0, direction: .rx, bytes: [0x20]),
        ])
        #expect(throws: UmockdevExportError.leadingSpace(chunkIndex: 1)) { _ = try UmockdevScriptExporter().script(for: unjoinable) }
    }

    static var umockdevAvailable: Bool {
        ChildProcess.isExecutable("/usr/bin/umockdev-run") && ChildProcess.isExecutable("/usr/bin/python3")
    }

    /// A session with every awkward byte in both directions.
    static let session = Capture(header: sampleHeader(), chunks: [
        CaptureChunk(time: t0.adding(nanoseconds: 1_000_000), direction: .tx, bytes: Array("*IDN?\r".utf8)),
        CaptureChunk(time: t0.adding(nanoseconds: 12_000_000), direction: .rx, bytes: [0x00, 0x11, 0x13, 0x0D, 0x0A, 0x7E, 0x7D, 0xC0, 0xC1, 0xFF, 0x5E, 0x20, 0x5E, 0x40]),
        CaptureChunk(time: t0.adding(nanoseconds: 15_000_000), direction: .rx, bytes: (0x80...0xFF).map { UInt8($0) }),
        CaptureChunk(time: t0.adding(nanoseconds: 30_000_000), direction: .tx, bytes: [0x00, 0x7E, 0xFF, 0x0A, 0x5E, 0x20]),
        CaptureChunk(time: t0.adding(nanoseconds: 41_000_000), direction: .rx, bytes: (0x00...0x7F).map { UInt8($0) }),
    ])

    /// Runs a small POSIX client under `umockdev-run` with the exported script: it opens
    /// /dev/ttyUSB0, writes what the tx chunks say (or `writeOverride`), reads as many bytes as each rx
    /// chunk holds, and prints what it read as hex.
    func replay(_ capture: Capture, clientWrites: [[UInt8]]? = nil) throws -> ChildProcess {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try UmockdevScriptExporter(speed: 4).writeScript(for: capture, to: dir.file("session.script"))
        var writes = clientWrites ?? capture.chunks.filter { $0.direction == .tx }.map(\.bytes)
        var plan = ""
        for chunk in capture.chunks where !chunk.bytes.isEmpty {
            if chunk.direction == .tx {
                plan += "w \(hex(writes.isEmpty ? [] : writes.removeFirst()))\n"
            } else {
                plan += "r \(hex(chunk.bytes))\n"
            }
        }
        writeFile(dir.file("plan"), Array(plan.utf8))
        writeFile(dir.file("client.py"), Array("""
            import os, sys
            fd = os.open('/dev/ttyUSB0', os.O_RDWR | os.O_NOCTTY)
            got = bytearray()
            for line in open(sys.argv[1]).read().splitlines():
                op, data = line.split(' ')
                data = bytes.fromhex(data)
                if op == 'w':
                    os.write(fd, data)
                else:
                    want = len(got) + len(data)
                    while len(got) < want:
                        chunk = os.read(fd, want - len(got))
                        if not chunk:
                            break
                        got += chunk
            sys.stdout.write(got.hex())
            """.utf8))
        return try ChildProcess.run("/usr/bin/umockdev-run", [
            "-d", SharedData.fixture("udev/ftdi-ft232r.umockdev"),
            "-s", "/dev/ttyUSB0=" + dir.file("session.script"),
            "--", "/usr/bin/python3", dir.file("client.py"), dir.file("plan"),
        ])
    }

    func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test(.enabled(if: umockdevAvailable, "needs umockdev-run (apt install umockdev) and /usr/bin/python3"), .timeLimit(.minutes(1)))
    func umockdevReplaysTheExactBytes() throws {
        let result = try replay(Self.session)
        #expect(result.status == 0)
        #expect(result.output == hex(Self.session.chunks.filter { $0.direction == .rx }.flatMap(\.bytes)))
    }

    @Test(.enabled(if: umockdevAvailable, "needs umockdev-run (apt install umockdev) and /usr/bin/python3"), .timeLimit(.minutes(1)))
    func umockdevRejectsAClientThatWritesOtherBytes() throws {
        // Second write differs in its last byte: umockdev must notice (it aborts the run).
        let result = try replay(Self.session, clientWrites: [Array("*IDN?\r".utf8), [0x00, 0x7E, 0xFF, 0x0A, 0x5E, 0x21]])
        #expect(result.status != 0)
    }
}
