import BedsideCapture
import BedsideDiscovery
import BedsideModel
import BedsidePlatform
import Logging

/// A bound port while udev lists it: sessions run on it one after the other (a session that ends
/// with a port error or hang-up while the adapter is still there is followed by a reopen) until
/// the port is removed, rebound, or the service stops.
final class PortAttachment: Sendable {
    enum Ending: Sendable {
        /// udev reported the port gone: the session ends as a hang-up (`disconnected`).
        case removed
        /// The service is stopping, or the port now belongs to another binding: a polite stop.
        case stopped
    }

    let binding: ServiceBinding
    let port: SerialPortInfo
    private let bus: FeedBus
    private let clock: BridgeClock
    private let retryDelay: Duration
    private let logger: Logger
    private let state = Locked(State())

    private struct State {
        var ending: Ending?
        var pipeline: PortPipeline?
        var wait: Task<Void, Never>?
    }

    init(binding: ServiceBinding, port: SerialPortInfo, bus: FeedBus, clock: BridgeClock, retryDelay: Duration, logger: Logger) {
        self.binding = binding
        self.port = port
        self.bus = bus
        self.clock = clock
        self.retryDelay = retryDelay
        var logger = logger
        logger[metadataKey: "location"] = "\(binding.location)"
        logger[metadataKey: "port"] = "\(port.devnode)"
        self.logger = logger
    }

    /// Ends the attachment; ``run()`` returns once the current session has ended.
    func end(_ ending: Ending) {
        let (pipeline, wait) = state.withLock { s -> (PortPipeline?, Task<Void, Never>?) in
            if s.ending == nil { s.ending = ending }
            return (s.pipeline, s.wait)
        }
        switch ending {
        case .removed: pipeline?.hangUp()
        case .stopped: pipeline?.stop()
        }
        wait?.cancel()
    }

    private var ending: Ending? { state.withLock { $0.ending } }

    /// Runs sessions until ``end(_:)``. Every session publishes on a source of its own, whose
    /// identity names the node, the binding's stable port id and the location.
    func run() async {
        let source = bus.addSource(identity: binding.identity(devnode: port.devnode, port: port), origin: binding.origin)
        var outage = OutageReporting()
        let recorder = binding.capture.map { SpanningRecorder(wrapping: $0) }
        while ending == nil {
            do {
                let (channel, lineController) = try await openSerialPort(path: port.devnode, settings: binding.settings,
                                                                         exclusive: binding.exclusive)
                outage.recovered()
                let pipeline = PortPipeline(driver: binding.driver.makeDriver(), source: source, clock: clock,
                                            recorder: recorder, lineController: lineController, logger: logger)
                let endedMeanwhile = state.withLock { s -> Ending? in
                    s.pipeline = pipeline
                    return s.ending
                }
                switch endedMeanwhile {
                case .removed: pipeline.hangUp()
                case .stopped: pipeline.stop()
                case nil: break
                }
                let summary = try await pipeline.run(on: channel)
                state.withLock { $0.pipeline = nil }
                if summary.endReason == .stopped || ending != nil { break }
            } catch {
                if ending != nil { break }
                let problem = CommandFailure.message(for: error)
                let now = clock.now()
                switch outage.failed(problem, at: now) {
                case .changed:
                    logger.warning("cannot open \(port.devnode), retrying every \(retryDelay): \(problem)")
                    source.publish(.link(LinkEvent(kind: .error, detail: "cannot open the port: \(problem)", hostTime: now)))
                case .reminder(let since):
                    source.publish(.link(LinkEvent(kind: .error, detail: "still cannot open the port (since \(since.rfc3339)): \(problem)",
                                                   hostTime: now)))
                case nil: break
                }
            }
            let delay = retryDelay
            let wait = Task { _ = try? await Task.sleep(for: delay) }
            if state.withLock({ s in s.wait = wait; return s.ending != nil }) { wait.cancel() }
            await wait.value
            state.withLock { $0.wait = nil }
        }
    }
}

/// Passes a capture's chunks through; the capture is completed once, when the service stops,
/// so it spans every session of its binding.
struct SpanningRecorder: TrafficRecorder {
    let wrapping: any TrafficRecorder
    func record(_ chunk: CaptureChunk) { wrapping.record(chunk) }
    func finish() async throws {}
}
