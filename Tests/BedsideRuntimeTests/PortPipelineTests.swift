import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import NIOCore
import Testing
@testable import BedsideRuntime

@Suite("Port pipeline over a pseudo-terminal")
struct PortPipelineTests {
    @Test("request sent, reply decoded, timer fired, stop bytes sent, capture written")
    func fullSession() async throws {
        try await withTimeout("the toy session") {
            let pty = try TestPTY.open()
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "test")
            let clock = BridgeClock()
            let recorder = CollectingRecorder()
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            let pipeline = PortPipeline(driver: ToyDriver(configuration: .init()), source: source, clock: clock,
                                        recorder: recorder)
            let deviceChannel = try await TestPTY.channel(for: pty.device)
            let peer = try await TestPTY.channel(for: pty.controller)

            let run = Task { try await pipeline.run(on: deviceChannel) }
            var events = subscription.makeAsyncIterator()

            try await peer.executeThenClose { inbound, outbound in
                var lines = LineReader(inbound)
                #expect(try await lines.nextLine() == "REQ")
                try await outbound.write(ByteBuffer(string: "ID TOY-7\nVAL 72.5\n"))
                // The driver pings after its timer (50 ms) fires.
                #expect(try await lines.nextLine() == "PING")
                try await outbound.write(ByteBuffer(string: "ERR\n"))

                var records: [FeedRecord] = []
                while records.count < 4, let e = await events.next() { records.append(try #require(e.record)) }
                #expect(records.map(\.observation.linkKind) == [.opened, .requesting, nil, nil])
                #expect(records.map(\.seq) == [1, 2, 3, 4])
                #expect(records[2].observation.numericValue == DecimalValue("72.5"))
                #expect(records[2].device.model == "TOY-7")
                guard case .numeric(let invalid) = records[3].observation else { throw TimedOut(what: "ERR reading") }
                #expect(invalid.state == .invalid && invalid.value == nil)

                pipeline.stop()
                #expect(try await lines.nextLine() == "BYE")
            }
            let summary = try await run.value
            #expect(summary.endReason == .stopped)
            #expect(summary.bytesSent == "REQ\nPING\nBYE\n".utf8.count)
            #expect(summary.bytesReceived == "ID TOY-7\nVAL 72.5\nERR\n".utf8.count)
            // opened, requesting, 72.5, invalid, stopped, closed: the runtime's own link events
            // (opened, closed) pass through the driver too, so its ledger sees them.
            #expect(summary.observations == 6)
            #expect(summary.driverCounters == ["link.pings": 1])  // the driver's counters, totalled per session

            var tail: [FeedRecord] = []
            bus.finish()
            while let e = await events.next() { tail.append(try #require(e.record)) }
            #expect(tail.map(\.observation.linkKind) == [.stopped, .closed])

            #expect(recorder.finished)
            #expect(recorder.bytes(.tx) == Array("REQ\nPING\nBYE\n".utf8))
            #expect(recorder.bytes(.rx) == Array("ID TOY-7\nVAL 72.5\nERR\n".utf8))
            let times = recorder.chunks.map(\.time)
            #expect(times == times.sorted())
        }
    }

    @Test("the other end hanging up: disconnected, values marked stale by the ledger, then closed")
    func hangUp() async throws {
        try await withTimeout("the hang-up") {
            let pty = try TestPTY.open()
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "test")
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            let pipeline = PortPipeline(driver: ToyDriver.supervised(configuration: .init()), source: source,
                                        clock: BridgeClock())
            let deviceChannel = try await TestPTY.channel(for: pty.device)
            let peer = try await TestPTY.channel(for: pty.controller)
            let run = Task { try await pipeline.run(on: deviceChannel) }
            var events = subscription.makeAsyncIterator()
            try await peer.executeThenClose { inbound, outbound in
                var lines = LineReader(inbound)
                let first = try await lines.nextLine()
                #expect(first == "REQ")
                try await outbound.write(ByteBuffer(string: "VAL 72\n"))
                // Wait until the value is on the feed before hanging up.
                while let e = await events.next(), e.record?.observation.numericValue == nil {}
            }  // closes the controller: the device side sees a hang-up
            let summary = try await run.value
            #expect(summary.endReason == .endOfFile)
            bus.finish()
            var tail: [Observation] = []
            while let e = await events.next() { tail.append(try #require(e.record).observation) }
            #expect(tail.map(\.linkKind) == [.disconnected, nil, .closed])
            guard tail.count == 3 else { Issue.record("after the hang-up: \(tail)"); return }
            guard case .numeric(let stale) = tail[1] else { Issue.record("no stale mark"); return }
            #expect(stale.state == .stale && stale.value == DecimalValue(72))
            #expect(stale.reason?.contains("link disconnected") == true)
            guard case .link(let closed) = tail[2] else { return }
            #expect(closed.detail?.contains("hung up") == true)
        }
    }

    @Test("line control requested by the driver is carried out before the bytes of the same call")
    func lineControlBeforeTransmit() async throws {
        try await withTimeout("line control") {
            let pty = try TestPTY.open()
            let bus = FeedBus()
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            let log = OrderLog()
            let pipeline = PortPipeline(driver: ToyDriver(configuration: .init()), source: source, clock: BridgeClock(),
                                        recorder: log, lineController: log)
            let deviceChannel = try await TestPTY.channel(for: pty.device)
            let peer = try await TestPTY.channel(for: pty.controller)
            let run = Task { try await pipeline.run(on: deviceChannel) }
            try await peer.executeThenClose { inbound, outbound in
                var lines = LineReader(inbound)
                #expect(try await lines.nextLine() == "REQ")
                try await outbound.write(ByteBuffer(string: "DTR\n"))
                // The driver's timed PING may come first.
                var reply = try await lines.nextLine()
                if reply == "PING" { reply = try await lines.nextLine() }
                #expect(reply == "OK")
                pipeline.stop()
                _ = try await lines.nextLine()
            }
            _ = try await run.value
            #expect(log.entries.filter { !$0.hasPrefix("rx") && $0 != "tx PING\n" }
                    == ["tx REQ\n", "line DTR on", "recorded DTR on", "tx OK\n", "tx BYE\n"])
        }
    }

    @Test("cancelling the running task stops the session politely")
    func cancellation() async throws {
        try await withTimeout("the cancelled session") {
            let pty = try TestPTY.open()
            let bus = FeedBus()
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            let pipeline = PortPipeline(driver: ToyDriver(configuration: .init()), source: source, clock: BridgeClock())
            let deviceChannel = try await TestPTY.channel(for: pty.device)
            let peer = try await TestPTY.channel(for: pty.controller)
            let run = Task { try await pipeline.run(on: deviceChannel) }
            try await peer.executeThenClose { inbound, _ in
                var lines = LineReader(inbound)
                let first = try await lines.nextLine()
                #expect(first == "REQ")
                run.cancel()
                var rest: [String] = []
                while let line = try? await lines.nextLine() { rest.append(line) }
                #expect(rest.last == "BYE")
            }
            #expect(try await run.value.endReason == .stopped)
        }
    }

    @Test("a simulator hosted on the controller side talks to the pipeline end to end")
    func simulatorHostEndToEnd() async throws {
        try await withTimeout("simulated readings") {
            let pty = try TestPTY.open()
            let clock = BridgeClock()
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "test")
            let source = bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy Medical", port: "pty"))
            let pipeline = PortPipeline(driver: ToyDriver(configuration: .init()), source: source, clock: clock)
            let host = SimulatorHost(simulator: ToySimulator(configuration: .init()), clock: clock)
            let hostChannel = try await TestPTY.channel(for: pty.controller)
            let deviceChannel = try await TestPTY.channel(for: pty.device)
            let hostRun = Task { try await host.run(on: hostChannel) }
            let run = Task { try await pipeline.run(on: deviceChannel) }

            var values: [DecimalValue] = []
            for await event in subscription {
                let record = try #require(event.record)
                if let v = record.observation.numericValue {
                    values.append(v)
                    #expect(record.device.model == "TOY-1")
                }
                // The PING answer arrives whenever the driver's timer fires relative to the
                // simulator's stream: wait for it rather than for a fixed number of values.
                if values.contains(DecimalValue("99.5")!) || values.count == 2_000 { break }
            }
            pipeline.stop()
            _ = try await run.value
            host.stop()
            let hostSummary = try await hostRun.value
            #expect(values.first == DecimalValue(60))
            #expect(values.contains(DecimalValue("99.5")!))  // the answer to the timer's PING
            #expect(hostSummary.bytesReceived > 0 && hostSummary.bytesSent > 0)
        }
    }
}

/// Records line control and traffic in one list, so a test sees their relative order.
final class OrderLog: TrafficRecorder, LineController {
    private let state = Locked([String]())
    var entries: [String] { state.withLock { $0 } }
    func record(_ chunk: CaptureChunk) {
        state.withLock { $0.append("\(chunk.direction.rawValue) \(String(decoding: chunk.bytes, as: UTF8.self))") }
    }
    func finish() async throws {}
    func recordLineControl(_ text: String, at time: Timestamp) { state.withLock { $0.append("recorded \(text)") } }
    func perform(_ control: LineControl) throws { state.withLock { $0.append("line \(control.logText)") } }
}
