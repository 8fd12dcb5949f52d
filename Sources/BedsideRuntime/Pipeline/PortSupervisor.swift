import BedsidePlatform
import BedsideCapture
import BedsideDriver
import BedsideModel
import Logging
import NIOCore

/// Keeps a port's session going across hang-ups: when the port ends (adapter unplugged, device
/// switched off, read error) it waits, reopens the port and starts a fresh driver session, until
/// ``stop()``.
///
/// Each session is a ``PortPipeline`` on the same ``FeedSource``, so the feed shows a `closed`
/// link event, then `opened` again when the port is back. A capture, if any, spans all sessions
/// and is completed once, when the supervisor stops.
public final class PortSupervisor: Sendable {
    public typealias Opener = @Sendable () async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// Opens the port and says how to carry out line control on it (``SerialLineController`` for a
    /// ``BedsideSerial/SerialPort``; `nil` when the port has none).
    public typealias LineControlledOpener = @Sendable () async throws
        -> (channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, lineController: (any LineController)?)

    private let source: FeedSource
    private let clock: BridgeClock
    private let retryDelay: Duration
    private let makeDriver: @Sendable () -> any DeviceDriver
    private let open: LineControlledOpener
    private let recorder: (any TrafficRecorder)?
    private let logger: Logger
    private let state = Locked(State())

    private struct State {
        var stopped = false
        var current: PortPipeline?
        var retryWait: Task<Void, Never>?
    }

    /// - Parameters:
    ///   - open: opens the port; called for every session (the first one included).
    ///   - makeDriver: a fresh driver for every session.
    ///   - retryDelay: pause between a session ending (or an open failing) and the next attempt.
    public convenience init(source: FeedSource, clock: BridgeClock, retryDelay: Duration = .seconds(2),
                recorder: (any TrafficRecorder)? = nil, logger: Logger = Logger(label: "bedside.supervisor"),
                makeDriver: @escaping @Sendable () -> any DeviceDriver, open: @escaping Opener) {
        self.init(source: source, clock: clock, retryDelay: retryDelay, recorder: recorder, logger: logger,
                  makeDriver: makeDriver, openWithLineControl: { (try await open(), nil) })
    }

    /// The same, for ports with line control: `open` also returns the port's ``LineController``.
    public init(source: FeedSource, clock: BridgeClock, retryDelay: Duration = .seconds(2),
                recorder: (any TrafficRecorder)? = nil, logger: Logger = Logger(label: "bedside.supervisor"),
                makeDriver: @escaping @Sendable () -> any DeviceDriver,
                openWithLineControl open: @escaping LineControlledOpener) {
        self.source = source
        self.clock = clock
        self.retryDelay = retryDelay
        self.makeDriver = makeDriver
        self.open = open
        self.recorder = recorder
        self.logger = logger
    }

    /// Ends the current session politely (stop request sent, capture completed) and stops
    /// reconnecting. Safe to call from anywhere, any number of times.
    public func stop() {
        let (current, wait) = state.withLock { s in
            s.stopped = true
            return (s.current, s.retryWait)
        }
        current?.stop()
        wait?.cancel()
    }

    /// Runs sessions until ``stop()``; returns their summaries in order.
    public func run() async -> [PortPipeline.Summary] {
        var summaries: [PortPipeline.Summary] = []
        let sessionRecorder = recorder.map { SessionRecorder(wrapping: $0) }
        while !isStopped {
            do {
                let (channel, lineController) = try await open()
                let pipeline = PortPipeline(driver: makeDriver(), source: source, clock: clock,
                                            recorder: sessionRecorder, lineController: lineController, logger: logger)
                let stopNow = state.withLock { s -> Bool in
                    s.current = pipeline
                    return s.stopped
                }
                if stopNow { pipeline.stop() }
                let summary = try await pipeline.run(on: channel)
                state.withLock { $0.current = nil }
                summaries.append(summary)
                if summary.endReason == .stopped { break }
            } catch {
                // A stop that interrupted the wait for the port is not an outage worth a record.
                if isStopped { break }
                logger.warning("cannot open the port, retrying in \(retryDelay): \(error)")
                source.publish(.link(LinkEvent(kind: .error, detail: "cannot open the port: \(error)",
                                               hostTime: clock.now())))
            }
            if isStopped { break }
            // Wait for the retry delay, or less if stop() is called meanwhile (it cancels the wait).
            let delay = retryDelay
            let wait = Task { _ = try? await Task.sleep(for: delay) }
            if state.withLock({ s in s.retryWait = wait; return s.stopped }) { wait.cancel() }
            await wait.value
            state.withLock { $0.retryWait = nil }
        }
        if let recorder {
            do { try await recorder.finish() } catch {
                logger.error("capture could not be completed: \(error)")
            }
        }
        return summaries
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }
}

/// Passes chunks through; completing the capture is left to the supervisor, after the last session.
private struct SessionRecorder: TrafficRecorder {
    let wrapping: any TrafficRecorder
    func record(_ chunk: CaptureChunk) { wrapping.record(chunk) }
    func finish() async throws {}
}
