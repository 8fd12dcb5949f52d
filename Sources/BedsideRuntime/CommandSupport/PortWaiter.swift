import BedsidePlatform
import BedsideModel
import Logging
import NIOCore

/// When an outage is put on the feed: once when it starts or its reason changes, then a reminder
/// at a fixed interval while it lasts — not once per reopen attempt (every 2 s would be 1,800
/// records an hour, burying the feed's readings).
public struct OutageReporting: Sendable {
    /// Time between reminders of an unchanged outage (docs/reliability.md).
    public static let defaultReminderNanoseconds: Int64 = 300_000_000_000

    public enum Report: Equatable, Sendable {
        /// The outage started, or its reason changed.
        case changed
        /// The same outage, still going on since `since`.
        case reminder(since: Timestamp)
    }

    public let reminderNanoseconds: Int64
    private var problem: String?
    private var since: Timestamp?
    private var lastReport: Timestamp?

    public init(reminderNanoseconds: Int64 = defaultReminderNanoseconds) {
        self.reminderNanoseconds = reminderNanoseconds
    }

    /// An attempt failed with `problem` at `now`: whether to publish a record, and which.
    public mutating func failed(_ problem: String, at now: Timestamp) -> Report? {
        if problem != self.problem {
            self.problem = problem
            since = now
            lastReport = now
            return .changed
        }
        guard let last = lastReport, now.nanoseconds(since: last) >= reminderNanoseconds else { return nil }
        lastReport = now
        return .reminder(since: since ?? now)
    }

    /// The port opened: the next failure is a new outage.
    public mutating func recovered() {
        problem = nil
        since = nil
        lastReport = nil
    }
}

/// Opens a port for a ``PortSupervisor`` session, waiting for it as long as it takes: a port
/// that is missing (adapter not plugged in yet), busy or refused is tried again every
/// `retryDelay`, with outage records on the feed as ``OutageReporting`` decides.
///
/// ``open()`` returns only with an open channel, or throws once ``stop()`` was called.
public final class PortWaiter: Sendable {
    /// An open channel, with what carries out the driver's line control on it (none for ptys
    /// opened other ways).
    public typealias Opened = (channel: NIOAsyncChannelOfBytes, lineController: (any LineController)?)
    public typealias Opener = @Sendable () async throws -> Opened

    private let source: FeedSource
    private let clock: BridgeClock
    private let retryDelay: Duration
    private let attempt: Opener
    private let logger: Logger
    private let state: Locked<State>

    private struct State {
        var stopped = false
        var wait: Task<Void, Never>?
        var reporting: OutageReporting
    }

    public init(source: FeedSource, clock: BridgeClock, retryDelay: Duration = .seconds(2),
                reminderNanoseconds: Int64 = OutageReporting.defaultReminderNanoseconds,
                logger: Logger = Logger(label: "bedside.port"), attempt: @escaping Opener) {
        self.source = source
        self.clock = clock
        self.retryDelay = retryDelay
        self.attempt = attempt
        self.logger = logger
        state = Locked(State(reporting: OutageReporting(reminderNanoseconds: reminderNanoseconds)))
    }

    public func open() async throws -> Opened {
        while true {
            if state.withLock({ $0.stopped }) { throw CommandFailure("stopped while waiting for the port") }
            do {
                let opened = try await attempt()
                state.withLock { $0.reporting.recovered() }
                return opened
            } catch {
                let problem = CommandFailure.message(for: error)
                let now = clock.now()
                switch state.withLock({ $0.reporting.failed(problem, at: now) }) {
                case .changed:
                    logger.warning("cannot open the port, retrying every \(retryDelay): \(problem)")
                    source.publish(.link(LinkEvent(kind: .error, detail: "cannot open the port: \(problem)", hostTime: now)))
                case .reminder(let since):
                    source.publish(.link(LinkEvent(
                        kind: .error, detail: "still cannot open the port (since \(since.rfc3339)): \(problem)",
                        hostTime: now)))
                case nil:
                    logger.debug("cannot open the port: \(problem)")
                }
            }
            let delay = retryDelay
            let wait = Task { _ = try? await Task.sleep(for: delay) }
            if state.withLock({ s in s.wait = wait; return s.stopped }) { wait.cancel() }
            await wait.value
            state.withLock { $0.wait = nil }
        }
    }

    public func stop() {
        state.withLock { s in
            s.stopped = true
            return s.wait
        }?.cancel()
    }
}

/// A ``PortSupervisor`` whose opening waits through ``PortWaiter``: stopping one stops both.
///
/// The first channel is waited for here, before the supervisor starts, so a stop while the port
/// has never appeared ends quietly (there was no session to stop); reopening after a hang-up waits
/// inside the supervisor's opener.
public struct WaitingSupervisor: RunnablePort {
    public let supervisor: PortSupervisor
    public let waiter: PortWaiter
    /// The channel of the first session: opened at start, or waited for by ``runSessions()``.
    let firstChannel: Locked<PortWaiter.Opened?>

    public func runSessions() async -> [PortPipeline.Summary] {
        if firstChannel.withLock({ $0 == nil }) {
            // Stopped before the port ever appeared: the supervisor, already stopped, only
            // completes the capture.
            if let opened = try? await waiter.open() { firstChannel.withLock { $0 = opened } }
        }
        return await supervisor.run()
    }

    public func stop() {
        supervisor.stop()
        waiter.stop()
    }
}
