import BedsideCapture
import BedsideModel
@testable import BedsideRuntime
import Glibc
import Testing

/// Live replay read by a plain POSIX program (here: this process with blocking read/write on the
/// device path, nothing from the bridge).
@Suite(.timeLimit(.minutes(1)))
struct LiveReplayTests {
    static let start = Timestamp(secondsSinceEpoch: 1_764_064_337)

    static func capture() -> Capture {
        var chunks: [CaptureChunk] = []
        for i in 0..<20 {
            let t = start.adding(nanoseconds: Int64(i) * 50_000_000)
            chunks.append(CaptureChunk(time: t, direction: .rx, bytes: [UInt8(i), 0x00, 0x0D, 0x0A, 0x11, 0x13, 0x7E, 0xC0, 0xFF]))
            if i == 5 { chunks.append(CaptureChunk(time: t.adding(nanoseconds: 1_000), direction: .tx, bytes: Array("REQ\r".utf8))) }
        }
        return Capture(header: CaptureHeader(driver: nil, serialSettings: SerialSettings(baudRate: 19200), port: nil, startTime: start),
                       chunks: chunks)
    }

    /// Opens the device like any program, writes `send` once, and reads until end-of-file.
    static func readAll(_ path: String, send: [UInt8]) -> [UInt8] {
        let fd = open(path, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
        _ = send.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { out += buffer[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return out
    }

    /// Runs blocking work on a dedicated thread and awaits its result.
    func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let box = Unmanaged.passRetained(ThreadWork { continuation.resume(returning: work()) })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                let box = Unmanaged<ThreadWork>.fromOpaque(raw!).takeRetainedValue()
                box.run()
                return nil
            }, box.toOpaque())
            precondition(rc == 0, "pthread_create failed")
            pthread_detach(thread)
        }
    }

    func play(_ speed: LiveReplay.Speed, clientSends: [UInt8]) async throws -> (LiveReplayReport, [UInt8]) {
        let capture = Self.capture()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        async let report = LiveReplay(capture: capture, options: .init(speed: speed)).run { continuation.yield($0) }
        var iterator = stream.makeAsyncIterator()
        let path = try #require(await iterator.next())
        #expect(path.hasPrefix("/dev/pts/"))
        // A blocking reader must not sit on one of the few cooperative-pool threads.
        let received = await onOwnThread { Self.readAll(path, send: clientSends) }
        return (try await report, received)
    }

    @Test(arguments: [LiveReplay.Speed.realTime, .factor(5), .asFastAsPossible])
    func aPlainReaderGetsEveryByteInOrder(speed: LiveReplay.Speed) async throws {
        let (report, received) = try await play(speed, clientSends: Array("REQ\r".utf8))
        let expected = Self.capture().chunks.filter { $0.direction == .rx }.flatMap(\.bytes)
        #expect(received == expected)
        #expect(report.bytesWritten == expected.count)
        #expect(report.bytesReceived == Array("REQ\r".utf8))
        #expect(report.transmitCheck?.isClean == true)
    }

    @Test func theReplayEndsWhenTheProgramClosesTheDevice() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        async let report = LiveReplay(capture: Self.capture(), options: .init(speed: .realTime)).run { continuation.yield($0) }
        var iterator = stream.makeAsyncIterator()
        let path = try #require(await iterator.next())
        let first = await onOwnThread { () -> [UInt8] in
            let fd = open(path, O_RDWR | O_NOCTTY)
            guard fd >= 0 else { return [] }
            defer { close(fd) }  // leaves after the first chunk
            var buffer = [UInt8](repeating: 0, count: 9)
            var got = 0
            while got < 9 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, 9 - got) }
                if n <= 0 { break }
                got += n
            }
            return Array(buffer[..<got])
        }
        #expect(first == Self.capture().chunks[0].bytes)
        let result = try await report
        #expect(result.clientDisconnected)
        #expect(result.bytesReceived.isEmpty)
    }

    @Test func whatTheClientWritesIsComparedWithTheCapture() async throws {
        let (report, received) = try await play(.asFastAsPossible, clientSends: Array("REX\r".utf8))
        #expect(received.count == 180)
        let check = try #require(report.transmitCheck)
        #expect(check.mismatchedBytes == 1)
        #expect(check.mismatches.first?.offset == 2)
    }
}

/// The closure a dedicated thread runs (handed over as an opaque pointer).
private final class ThreadWork: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
