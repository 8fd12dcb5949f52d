import BedsideModel
import BedsidePlatform
@testable import BedsideSerial
import Glibc
import NIOCore
import Testing

/// A port's reads handed to the session on the event loop (``PortReadHandler``), on a real pty.
@Suite("Port reads to the session", .serialized)
struct PortReadHandlerTests {
    static let settings = SerialSettings(baudRate: 19200, dataBits: 8, parity: .even, stopBits: 1)

    /// A pty with the bridge's port open on its device side: the port's channel and the controller's.
    static func openPair() async throws -> (PseudoTerminal, SerialPort, NIOAsyncChannel<ByteBuffer, ByteBuffer>,
                                            NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        let pty = try PseudoTerminal.open()
        let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
        return (pty, port, try await port.makeAsyncChannel(), try await pty.makeAsyncChannel())
    }

    static func attach(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
                       _ sink: AsyncStream<PortReadHandler.Event>.Continuation) async throws -> Bool {
        try await channel.channel.pipeline.handler(type: PortReadHandler.self).map { handler in
            handler.attach { sink.yield($0) }
        }.get()
    }

    @Test("attached before any byte: every read reaches the session in order with its read time, and the hang-up ends it",
          .timeLimit(.minutes(1)))
    func attachedReadsGoToTheSession() async throws {
        let (pty, port, hostChannel, deviceChannel) = try await Self.openPair()
        defer { pty.close() }
        let (events, sink) = AsyncStream<PortReadHandler.Event>.makeStream()
        #expect(try await Self.attach(hostChannel, sink))

        let large = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let sent = awkwardBytes + large
        let before = BridgeClock.monotonicNanoseconds()
        var received: [UInt8] = []
        var times: [Int64] = []
        var reads = events.makeAsyncIterator()
        try await deviceChannel.executeThenClose { _, deviceOut in
            // Written concurrently: the tty buffer is smaller than the block, so the reader must drain it.
            let writer = Task { try await deviceOut.write(ByteBuffer(bytes: sent)) }
            while received.count < sent.count, let event = await reads.next() {
                guard case .bytes(var chunk, let t) = event else { break }
                received += chunk.readBytes(length: chunk.readableBytes) ?? []
                times.append(t)
            }
            try await writer.value
        }
        // The device goes away: the port hangs up.
        pty.releaseDeviceSide()
        var end: PortReadHandler.Event?
        while let event = await reads.next() {
            if case .ended = event { end = event; break }
        }
        let after = BridgeClock.monotonicNanoseconds()
        #expect(received == sent)
        #expect(times.allSatisfy { $0 >= before && $0 <= after })
        #expect(times == times.sorted())
        #expect(end != nil, "a hang-up ends the reads")
        try await hostChannel.executeThenClose { _, _ in }
        port.close()
    }

    @Test("bytes that reached the inbound stream first stay there, and a later attach is refused",
          .timeLimit(.minutes(1)))
    func lateAttachIsRefused() async throws {
        let (pty, port, hostChannel, deviceChannel) = try await Self.openPair()
        defer { pty.close() }
        try await hostChannel.executeThenClose { hostInbound, _ in
            var hostIn = hostInbound.makeAsyncIterator()
            try await deviceChannel.executeThenClose { _, deviceOut in
                try await deviceOut.write(ByteBuffer(bytes: awkwardBytes))
                #expect(try await readExactly(awkwardBytes.count, from: &hostIn) == awkwardBytes)
                let (_, sink) = AsyncStream<PortReadHandler.Event>.makeStream()
                #expect(try await !Self.attach(hostChannel, sink), "bytes already went past the handler")
                try await deviceOut.write(ByteBuffer(bytes: awkwardBytes.reversed()))
                #expect(try await readExactly(awkwardBytes.count, from: &hostIn) == Array(awkwardBytes.reversed()))
            }
        }
        port.close()
    }
}
