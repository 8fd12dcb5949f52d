import BedsidePlatform
import BedsideModel
import NIOCore
import Testing
@testable import BedsideRuntime

@Suite("Port supervisor")
struct PortSupervisorTests {
    @Test("after a hang-up the port is reopened and a fresh session starts; stop ends it for good")
    func reconnects() async throws {
        try await withTimeout("the reconnecting sessions") {
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "test")
            var progress = bus.subscribe(name: "progress").makeAsyncIterator()
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            // Each open hands out a fresh pty and gives the test its controller side.
            let (peers, peerSink) = AsyncStream<NIOAsyncChannel<ByteBuffer, ByteBuffer>>.makeStream()
            let opens = Locked(0)
            let recorder = CollectingRecorder()
            let supervisor = PortSupervisor(
                source: source, clock: BridgeClock(), retryDelay: .milliseconds(10), recorder: recorder,
                makeDriver: { ToyDriver(configuration: .init()) },
                open: {
                    opens.withLock { $0 += 1 }
                    let pty = try TestPTY.open()
                    peerSink.yield(try await TestPTY.channel(for: pty.controller))
                    return try await TestPTY.channel(for: pty.device)
                })
            let run = Task { await supervisor.run() }
            var peerIterator = peers.makeAsyncIterator()

            // Session 1: the device answers, then its end hangs up.
            let first = try #require(await peerIterator.next())
            try await first.executeThenClose { inbound, outbound in
                var lines = LineReader(inbound)
                let request = try await lines.nextLine()
                #expect(request == "REQ")
                try await outbound.write(ByteBuffer(string: "VAL 1\n"))
                _ = try await lines.nextLine()  // PING: the first session is fully up
            }
            // Session 2: a fresh driver sends REQ again on the reopened port.
            let second = try #require(await peerIterator.next())
            try await second.executeThenClose { inbound, outbound in
                var lines = LineReader(inbound)
                let request = try await lines.nextLine()
                #expect(request == "REQ")
                try await outbound.write(ByteBuffer(string: "VAL 2\n"))
                // Stop only once the value was decoded (stop does not wait for bytes still in flight).
                while let e = await progress.next(), e.record?.observation.numericValue != 2 {}
                supervisor.stop()
                var rest: [String] = []
                while let line = try? await lines.nextLine() { rest.append(line) }
                #expect(rest.last == "BYE")
            }
            let summaries = await run.value
            #expect(summaries.map(\.endReason.isStopped) == [false, true])
            #expect(opens.withLock { $0 } == 2)
            #expect(recorder.finished)
            #expect(recorder.bytes(.rx) == Array("VAL 1\nVAL 2\n".utf8))

            bus.finish()
            var kinds: [LinkEvent.Kind] = []
            var values: [DecimalValue] = []
            for await e in subscription {
                let r = try #require(e.record)
                if let k = r.observation.linkKind { kinds.append(k) }
                if let v = r.observation.numericValue { values.append(v) }
            }
            // The hang-up is said as `disconnected` before the port's `closed`.
            #expect(kinds == [.opened, .requesting, .disconnected, .closed, .opened, .requesting, .stopped, .closed])
            #expect(values == [1, 2])
        }
    }
}

extension PortPipeline.EndReason {
    var isStopped: Bool { self == .stopped }
}
