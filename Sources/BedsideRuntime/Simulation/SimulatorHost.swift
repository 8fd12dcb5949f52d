import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import Logging
import NIOCore

/// Runs a ``DeviceSimulator`` on the device end of a transport, typically the controller side of a
/// pseudo-terminal whose device path the bridge (or any other program) opens as if it were the
/// monitor's serial port.
///
/// Same shape as ``PortPipeline``: bytes from the host, the simulator's timer and ``stop()`` are
/// merged into one event stream consumed by one task that owns the simulator; what the simulator
/// transmits is written to the channel.
public final class SimulatorHost: Sendable {
    /// What a finished run did.
    public struct Summary: Sendable {
        public var bytesReceived: Int
        public var bytesSent: Int
        /// Why it ended: `nil` when stopped, else what the transport reported.
        public var endedBy: String?
    }

    private let simulator: any DeviceSimulator
    private let clock: BridgeClock
    private let logger: Logger
    private let onTransmit: (@Sendable (Int) -> Void)?
    private let recorder: (any TrafficRecorder)?
    private let events: AsyncStream<PortEvent>
    private let eventSink: AsyncStream<PortEvent>.Continuation

    /// - Parameters:
    ///   - onTransmit: called with the byte count just before each write to the channel
    ///     (benchmarks use it to time a frame from the device's write to the bus subscriber).
    ///   - recorder: records the line as a host would: what the simulator sends as `rx`, what it
    ///     receives as `tx`, so the capture replays like one the bridge recorded. Completed when
    ///     the run ends.
    public init(simulator: any DeviceSimulator, clock: BridgeClock,
                logger: Logger = Logger(label: "bedside.simulator"),
                recorder: (any TrafficRecorder)? = nil,
                onTransmit: (@Sendable (Int) -> Void)? = nil) {
        self.simulator = simulator
        self.clock = clock
        self.logger = logger
        self.recorder = recorder
        self.onTransmit = onTransmit
        (events, eventSink) = AsyncStream<PortEvent>.makeStream()
    }

    /// Ends the run; ``run(on:)`` returns after closing the channel.
    public func stop() { eventSink.yield(.stop) }

    /// Runs until ``stop()``, cancellation, or the transport ends or fails; closes the channel
    /// before returning. (A pseudo-terminal whose owner keeps the device side open never sees a
    /// hang-up when a host closes it, so the simulator survives the bridge reconnecting.)
    public func run(on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws -> Summary {
        try await runForwardingInbound(channel, into: eventSink, clock: clock) { await runLoop(simulator, channel: $0) }
    }

    private func runLoop<Simulator: DeviceSimulator>(_ initial: Simulator, channel: any Channel) async -> Summary {
        var simulator = initial
        var output = SimulatorOutput()
        let sink = eventSink
        var timer = DeadlineTimer(eventLoop: channel.eventLoop, clock: clock) { sink.yield(.deadline($0)) }
        var summary = Summary(bytesReceived: 0, bytesSent: 0, endedBy: nil)

        func drain(now: Timestamp) {
            if !output.transmit.isEmpty {
                recorder?.record(CaptureChunk(time: now, direction: .rx, bytes: output.transmit))
                summary.bytesSent += output.transmit.count
                onTransmit?(output.transmit.count)
                channel.writeAndFlush(ByteBuffer(bytes: output.transmit)).whenFailure { sink.yield(.writeFailed($0)) }
            }
            timer.arm(output.nextDeadline)
            output.reset()
            output.nextDeadline = nil
        }

        let start = clock.now()
        simulator.start(now: start, into: &output)
        drain(now: start)
        loop: for await event in events {
            switch event {
            case .received(let bytes, let time):
                summary.bytesReceived += bytes.readableBytes
                recorder?.record(CaptureChunk(time: time, direction: .tx, bytes: Array(bytes.readableBytesView)))
                bytes.withUnsafeReadableBytes { simulator.receive($0, now: time, into: &output) }
                drain(now: time)
            case .deadline(let generation):
                guard timer.accept(generation) else { continue }
                let now = clock.now()
                simulator.tick(now: now, into: &output)
                drain(now: now)
            case .stop:
                break loop
            case .inboundEnded(let error):
                summary.endedBy = error.map { "read failed: \($0)" } ?? "the host side hung up"
                break loop
            case .writeFailed(let error):
                // With nobody on the other end of a pty, writes fail with EIO; that is the
                // hang-up case, not a simulator fault.
                summary.endedBy = "write failed: \(error)"
                break loop
            }
        }
        timer.cancel()
        if let recorder {
            do { try await recorder.finish() } catch { logger.error("capture could not be completed: \(error)") }
        }
        logger.debug("simulator stopped", metadata: ["reason": "\(summary.endedBy ?? "stopped")"])
        return summary
    }
}
