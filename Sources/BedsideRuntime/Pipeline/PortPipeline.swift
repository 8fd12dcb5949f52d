import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import Logging
import Metrics
import NIOCore

/// One port of the bridge: transport → driver → bus.
///
/// ``run(on:)`` owns the driver for the whole session. Bytes read from the port, the driver's
/// timer and ``stop()`` are merged into one ordered event stream consumed by that one task, so the
/// driver's state machine is only ever mutated from a single isolation domain. For each event the
/// pipeline calls the driver, then drains its ``DriverOutput``: identity facts are merged into the
/// port's ``FeedSource`` (so the records that follow carry them), observations are published,
/// transmit bytes are written to the port (and recorded), counters go to swift-metrics, and the
/// one requested wake-up replaces the previous one.
///
/// Time given to the driver comes from the bridge's ``BridgeClock`` (wall clock anchored once plus
/// monotonic elapsed time), so it never goes backwards.
///
/// The session ends when ``stop()`` is called or the running task is cancelled (the driver's stop
/// bytes are then written, and waited for, before the port closes), or when the port reports end
/// of file or an error. Either way the capture is flushed and a `closed` link event published.
public final class PortPipeline: Sendable {
    /// Why a session ended.
    public enum EndReason: Sendable, Equatable {
        /// ``PortPipeline/stop()`` was called or the task was cancelled.
        case stopped
        /// The port reported end of file: the other end hung up (adapter unplugged, pty closed).
        case endOfFile
        /// Reading from or writing to the port failed; the text says how.
        case portError(String)
    }

    /// What a finished session did.
    public struct Summary: Sendable {
        public var endReason: EndReason
        public var bytesReceived: Int
        public var bytesSent: Int
        public var observations: Int
        /// The driver's protocol counters over the session (frames accepted, checksum errors, …).
        public var driverCounters: [String: Int] = [:]
    }

    private let driver: any DeviceDriver
    private let source: FeedSource
    private let clock: BridgeClock
    private let recorder: (any TrafficRecorder)?
    private let lineController: (any LineController)?
    private let logger: Logger
    private let events: AsyncStream<PortEvent>
    private let eventSink: AsyncStream<PortEvent>.Continuation

    /// - Parameters:
    ///   - driver: a freshly made driver; the pipeline takes it over.
    ///   - source: where this port's observations go (its identity names the port).
    ///   - clock: the bridge's clock, shared by all ports.
    ///   - recorder: receives every rx/tx chunk for a capture file.
    ///   - lineController: carries out the driver's ``LineControl`` requests (a
    ///     ``SerialLineController`` for a real serial port); without one they are logged and skipped.
    public init(driver: any DeviceDriver, source: FeedSource, clock: BridgeClock,
                recorder: (any TrafficRecorder)? = nil, lineController: (any LineController)? = nil,
                logger: Logger = Logger(label: "bedside.pipeline")) {
        self.driver = driver
        self.source = source
        self.clock = clock
        self.recorder = recorder
        self.lineController = lineController
        var logger = logger
        let identity = source.identity
        logger[metadataKey: "driver"] = "\(identity.driver)"
        if let port = identity.port { logger[metadataKey: "port"] = "\(port)" }
        self.logger = logger
        (events, eventSink) = AsyncStream<PortEvent>.makeStream()
    }

    /// Asks the session to end politely: the driver's stop request is sent, the capture flushed,
    /// then the port closed and ``run(on:)`` returns. Safe to call from any thread, any number of
    /// times.
    public func stop() {
        eventSink.yield(.stop)
    }

    /// Ends the session as a hang-up does (`disconnected`, then `closed`; every value stale): for
    /// when the port is known to be gone before a read says so (udev reported the adapter removed).
    public func hangUp() {
        eventSink.yield(.inboundEnded(nil))
    }

    /// Runs the session on `channel` until it ends; closes the channel before returning.
    /// Call once per pipeline.
    public func run(on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws -> Summary {
        try await runForwardingInbound(channel, into: eventSink, clock: clock) { await runSession(driver, channel: $0) }
    }

    // MARK: The session loop

    private func runSession<Driver: DeviceDriver>(_ initialDriver: Driver, channel: any Channel) async -> Summary {
        var session = Session(driver: initialDriver, pipeline: self, channel: channel)
        let start = clock.now()
        // The runtime's own link events go through the driver, so its ledger sees them in order.
        session.announce(LinkEvent(kind: .opened, detail: source.identity.port, hostTime: start))
        logger.info("session started")
        session.start(now: start)

        var endReason = EndReason.stopped
        // A write that fails ends the session like a hang-up: a driver that polls often (DINAMAP)
        // writes to an unplugged port before the read side sees the end.
        var writeFailed = false
        loop: for await event in events {
            switch event {
            case .received(let bytes, let time):
                session.receive(bytes, now: time)
            case .deadline(let generation):
                session.deadline(generation)
            case .stop:
                endReason = .stopped
                break loop
            case .inboundEnded(nil):
                endReason = .endOfFile
                break loop
            case .inboundEnded(let error?):
                endReason = .portError(String(describing: error))
                break loop
            case .writeFailed(let error):
                // A write to a port that has just hung up can fail before the hang-up itself is
                // read: that is the device going away, not a fault of the port.
                endReason = Self.isHangUp(error) ? .endOfFile : .portError("write failed: \(error)")
                writeFailed = true
                break loop
            }
        }
        // Cancellation also ends the loop above; treat it like stop().
        if endReason == .stopped {
            await session.stop(now: clock.now())
        }
        session.timer.cancel()
        if let recorder {
            do { try await recorder.finish() } catch {
                logger.error("capture could not be completed: \(error)")
            }
        }
        let detail: String
        switch endReason {
        case .stopped: detail = "stopped by the bridge"
        case .endOfFile: detail = "the port hung up (device or adapter disconnected, or the other end closed)"
        case .portError(let text): detail = "port error: \(text)"
        }
        // A hang-up (or a write the port refused) is the device going away, not just the port
        // closing: say so first. Either event
        // makes the ledger mark every value stale and end the open alarms.
        let end = clock.now()
        if endReason == .endOfFile || writeFailed {
            session.announce(LinkEvent(kind: .disconnected, detail: detail, hostTime: end))
        }
        session.announce(LinkEvent(kind: .closed, detail: detail, hostTime: end))
        switch endReason {
        case .stopped: logger.info("session stopped")
        default: logger.warning("session ended: \(detail)")
        }
        session.logCounters(force: true)
        return Summary(endReason: endReason, bytesReceived: session.bytesReceived, bytesSent: session.bytesSent,
                       observations: session.observations, driverCounters: session.counterTotals)
    }

    /// The driver plus what the loop needs to act on its output. Lives in `runSession`'s frame only.
    private struct Session<Driver: DeviceDriver> {
        var driver: Driver
        var output = DriverOutput()
        var timer: DeadlineTimer
        let pipeline: PortPipeline
        let channel: any Channel
        var lastWrite: EventLoopFuture<Void>?
        var counters: [String: Counter] = [:]
        let rxCounter: Counter
        let txCounter: Counter
        var bytesReceived = 0
        var bytesSent = 0
        var observations = 0

        init(driver: Driver, pipeline: PortPipeline, channel: any Channel) {
            self.driver = driver
            self.pipeline = pipeline
            self.channel = channel
            let identity = pipeline.source.identity
            let dimensions = [("driver", identity.driver), ("port", identity.port ?? "")]
            rxCounter = Counter(label: "bedside_port_bytes_total", dimensions: dimensions + [("direction", "rx")])
            txCounter = Counter(label: "bedside_port_bytes_total", dimensions: dimensions + [("direction", "tx")])
            let sink = pipeline.eventSink
            timer = DeadlineTimer(eventLoop: channel.eventLoop, clock: pipeline.clock) { sink.yield(.deadline($0)) }
        }

        /// The last time handed to the driver. Bytes are stamped when read but handled in event
        /// order, so a chunk read just before a timer fired can reach the driver after that tick;
        /// the driver is promised non-decreasing times, so such a chunk gets the tick's time.
        private var lastTime = Timestamp(nanosecondsSinceEpoch: .min)

        private mutating func advance(to time: Timestamp) -> Timestamp {
            lastTime = max(lastTime, time)
            return lastTime
        }

        mutating func start(now time: Timestamp) {
            let now = advance(to: time)
            driver.start(now: now, into: &output)
            drain(now: now)
        }

        mutating func receive(_ bytes: ByteBuffer, now time: Timestamp) {
            let now = advance(to: time)
            bytesReceived += bytes.readableBytes
            rxCounter.increment(by: bytes.readableBytes)
            pipeline.recorder?.record(CaptureChunk(time: now, direction: .rx, bytes: Array(bytes.readableBytesView)))
            bytes.withUnsafeReadableBytes { driver.receive($0, now: now, into: &output) }
            drain(now: now)
        }

        mutating func deadline(_ generation: UInt64) {
            guard timer.accept(generation) else { return }
            let now = advance(to: pipeline.clock.now())
            driver.tick(now: now, into: &output)
            drain(now: now)
        }

        /// Lets the driver say goodbye and waits until those bytes have been handed to the port.
        mutating func stop(now time: Timestamp) async {
            let now = advance(to: time)
            driver.stop(now: now, into: &output)
            drain(now: now)
            timer.cancel()
            if let lastWrite {
                do { try await lastWrite.get() } catch {
                    pipeline.logger.warning("the driver's stop request could not be written: \(error)")
                }
            }
        }

        /// Hands a link event the runtime observed to the driver (and its ledger) and publishes
        /// what follows from it. The timer is left alone: the next driver call states the deadline.
        mutating func announce(_ event: LinkEvent) {
            let now = advance(to: event.hostTime)
            var event = event
            event.hostTime = now
            driver.announce(event, into: &output)
            if !output.observations.isEmpty {
                observations += output.observations.count
                pipeline.source.publish(output.observations)
            }
            output.reset()
        }

        private mutating func drain(now: Timestamp) {
            if output.identity != nil || !output.subdeviceIdentities.isEmpty {
                pipeline.source.apply(identity: output.identity, subdevices: output.subdeviceIdentities)
            }
            if !output.observations.isEmpty {
                observations += output.observations.count
                pipeline.source.publish(output.observations)
            }
            // Line control first: a driver asks for DTR or a BREAK before the bytes that need it.
            if !output.lineControl.isEmpty { performLineControl(now: now) }
            if !output.transmit.isEmpty { transmit(now: now) }
            if !output.counters.isEmpty { count() }
            timer.arm(output.nextDeadline)
            output.reset()
            // The contract: every call states its deadline afresh.
            output.nextDeadline = nil
        }

        /// Executes the driver's line-control requests in order, logs each, and records it in the
        /// capture (an optional record kind that replays and older readers skip).
        private mutating func performLineControl(now: Timestamp) {
            for control in output.lineControl {
                guard let controller = pipeline.lineController else {
                    pipeline.logger.warning("the driver asked for \(control.logText), but this port has no line control (not a serial adapter); skipped")
                    continue
                }
                do {
                    try controller.perform(control)
                    pipeline.recorder?.recordLineControl(control.logText, at: now)
                    pipeline.logger.notice("line control: \(control.logText)")
                } catch {
                    pipeline.logger.error("line control \(control.logText) failed: \(error)")
                }
            }
        }

        private mutating func transmit(now: Timestamp) {
            bytesSent += output.transmit.count
            txCounter.increment(by: output.transmit.count)
            pipeline.recorder?.record(CaptureChunk(time: now, direction: .tx, bytes: output.transmit))
            let write = channel.writeAndFlush(ByteBuffer(bytes: output.transmit))
            let sink = pipeline.eventSink
            write.whenFailure { sink.yield(.writeFailed($0)) }
            lastWrite = write
        }

        /// Session totals of the driver's counters, logged (notice) at most once a minute while they
        /// change and once at the end, so an engineer sees checksum or length errors on stderr.
        var counterTotals: [String: Int] = [:]
        private var countersLogged: [String: Int] = [:]
        private var countersLoggedAt = BridgeClock.monotonicNanoseconds()

        mutating func logCounters(force: Bool = false) {
            let now = BridgeClock.monotonicNanoseconds()
            guard counterTotals != countersLogged, force || now - countersLoggedAt >= 60_000_000_000 else { return }
            countersLogged = counterTotals
            countersLoggedAt = now
            let text = counterTotals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            pipeline.logger.notice("driver counters: \(text)")
        }

        private mutating func count() {
            let identity = pipeline.source.identity
            for (driverCounter, amount) in output.counters {
                let name = driverCounter.name
                counterTotals[name, default: 0] += amount
                let counter: Counter
                if let c = counters[name] {
                    counter = c
                } else {
                    counter = Counter(label: "bedside_driver_events_total", dimensions: [
                        ("driver", identity.driver), ("port", identity.port ?? ""), ("event", name),
                    ])
                    counters[name] = counter
                }
                counter.increment(by: amount)
            }
            logCounters()
        }
    }
}

extension PortPipeline {
    /// Whether a write failed because the other end is gone (closed channel, EIO from a hung-up tty).
    static func isHangUp(_ error: any Error) -> Bool {
        if let e = error as? ChannelError, e == .ioOnClosedChannel || e == .outputClosed { return true }
        if let e = error as? IOError, e.errnoCode == 5 { return true }  // EIO
        return false
    }
}
