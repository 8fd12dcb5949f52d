import BedsideTestSupport
import BedsideModel
@testable import BedsideSerial
import Glibc
import NIOCore
import Testing

/// Two real ttys joined back to back by socat, each opened as a ``SerialPort``: the same path a
/// null-modem cable between two USB adapters would take.
@Suite struct SocatPairTests {
    @Test(.enabled(if: ChildProcess.isExecutable("/usr/bin/socat"), "needs socat (apt install socat)"), .timeLimit(.minutes(1)))
    func twoPortsTalkThroughSocat() async throws {
        var template = Array("/tmp/bedside-socat-XXXXXX".utf8CString)
        let dir = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        let a = dir + "/ttyA", b = dir + "/ttyB"
        let pid = try ChildProcess.spawn("/usr/bin/socat", ["pty,raw,echo=0,link=\(a)", "pty,raw,echo=0,link=\(b)"])
        defer {
            ChildProcess.terminate(pid)
            unlink(a); unlink(b); rmdir(dir)
        }
        // Wait for socat to create both links (bounded, so a broken socat fails instead of hanging).
        var tries = 0
        while (access(a, F_OK) != 0 || access(b, F_OK) != 0) && tries < 500 {
            usleep(10_000)
            tries += 1
        }
        try #require(access(a, F_OK) == 0 && access(b, F_OK) == 0, "socat did not create its ptys")

        let settings = SerialSettings(baudRate: 9600, dataBits: 8, parity: .none, stopBits: 2)
        let portA = try SerialPort.open(path: a, options: SerialPortOptions(settings: settings))
        let portB = try SerialPort.open(path: b, options: SerialPortOptions(settings: settings))
        #expect(try portA.currentSettings() == settings)
        let channelA = try await portA.makeAsyncChannel()
        let channelB = try await portB.makeAsyncChannel()
        try await channelA.executeThenClose { inboundA, outA in
            var inA = inboundA.makeAsyncIterator()
            try await channelB.executeThenClose { inboundB, outB in
                var inB = inboundB.makeAsyncIterator()
                try await outA.write(ByteBuffer(bytes: awkwardBytes))
                #expect(try await readExactly(awkwardBytes.count, from: &inB) == awkwardBytes)
                let reply = awkwardBytes + Array(0...255)
                try await outB.write(ByteBuffer(bytes: reply))
                #expect(try await readExactly(reply.count, from: &inA) == reply)
            }
        }
    }
}
