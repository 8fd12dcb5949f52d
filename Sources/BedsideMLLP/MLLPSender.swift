import BedsideHL7
import BedsidePlatform
import BedsideStore
import GRDB
import Logging
import Metrics

/// Delivers one receiver's outbox over MLLP: oldest message first (so each device's messages keep
/// their order), one in flight, the next only after the ACK. A time-out or a dropped connection
/// means the outcome is unknown: reconnect after a back-off and send the same bytes again (same
/// MSH-10). AE and AR follow the receiver's configured action; a parked message keeps the
/// receiver's reason and delivery goes on. After a restart, delivery resumes from the outbox.
public final class MLLPSender: Sendable {
    public let configuration: HL7ReceiverConfiguration
    let store: RecordStore
    private let logger: Logger
    private let wakeups = WakeSignal()
    private let state = Locked(State())
    private let accepted: Counter
    private let rejected: Counter
    private let errors: Counter
    private let timeouts: Counter
    private let reconnects: Counter
    private let parkedCounter: Counter
    private let backlogGauge: Gauge
    private let lagTimer: Metrics.Timer
    private let clock = BridgeClock()

    struct State {
        var stopped = false
        var connected = false
        var lastError: String?
        var backlog = 0
        var parked = 0
    }

    init(configuration: HL7ReceiverConfiguration, store: RecordStore, logger: Logger) {
        self.configuration = configuration
        self.store = store
        var logger = logger
        logger[metadataKey: "receiver"] = "\(configuration.name)"
        self.logger = logger
        let dims = [("receiver", configuration.name)]
        accepted = Counter(label: "bedside_hl7_acks_total", dimensions: dims + [("outcome", "accepted")])
        errors = Counter(label: "bedside_hl7_acks_total", dimensions: dims + [("outcome", "error")])
        rejected = Counter(label: "bedside_hl7_acks_total", dimensions: dims + [("outcome", "reject")])
        timeouts = Counter(label: "bedside_hl7_acks_total", dimensions: dims + [("outcome", "timeout")])
        reconnects = Counter(label: "bedside_hl7_reconnects_total", dimensions: dims)
        parkedCounter = Counter(label: "bedside_hl7_parked_total", dimensions: dims)
        backlogGauge = Gauge(label: "bedside_sink_backlog", dimensions: [("sink", configuration.sinkName)])
        lagTimer = Metrics.Timer(label: "bedside_sink_delivery_lag_seconds", dimensions: [("sink", configuration.sinkName)])
    }

    /// Called by the stage after a commit that added messages.
    func wake() { wakeups.signal() }

    public func stop() {
        state.withLock { $0.stopped = true }
        wakeups.signal()
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    struct Pending {
        var id: Int64
        var controlID: String
        var message: String
        var lastSeq: UInt64
        var createdNanoseconds: Int64
        var attempts: Int
    }

    private func head() throws -> Pending? {
        try store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, control_id, message, last_seq, created_ns, attempts FROM hl7_outbox
                WHERE sink = ? AND parked = 0 ORDER BY id LIMIT 1
                """, arguments: [configuration.sinkName]).map {
                Pending(id: $0["id"], controlID: $0["control_id"], message: $0["message"],
                        lastSeq: UInt64($0["last_seq"] as Int64), createdNanoseconds: $0["created_ns"], attempts: $0["attempts"])
            }
        }
    }

    /// Messages waiting (not parked) and parked.
    public func counts() throws -> (pending: Int, parked: Int) {
        try store.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hl7_outbox WHERE sink = ? AND parked = 0",
                                           arguments: [configuration.sinkName]) ?? 0
            let parked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hl7_outbox WHERE sink = ? AND parked = 1",
                                          arguments: [configuration.sinkName]) ?? 0
            return (pending, parked)
        }
    }

    public var health: SinkHealthState {
        state.withLock { SinkHealthState(connected: $0.connected, lastError: $0.lastError, backlog: $0.backlog, parked: $0.parked) }
    }

    /// Runs until ``stop()``.
    public func run() async {
        var connection: MLLPConnection?
        var delay = configuration.retryInitialSeconds
        defer { connection?.close() }
        while !stopped {
            let next: Pending?
            do {
                next = try head()
                let (pending, parked) = try counts()
                state.withLock { $0.backlog = pending; $0.parked = parked }
                backlogGauge.record(pending)
            } catch {
                logger.error("reading the outbox failed: \(error)")
                await pause(seconds: delay)
                continue
            }
            guard let message = next else {
                // Nothing to send: wait for the next commit (or a periodic re-check).
                await waitForWork(seconds: 5)
                continue
            }
            do {
                if connection == nil {
                    connection = try await MLLPConnection.connect(host: configuration.host, port: configuration.port,
                                                                  timeoutSeconds: configuration.connectTimeoutSeconds)
                    state.withLock { $0.connected = true }
                    logger.notice("connected to \(configuration.host):\(configuration.port)")
                }
                let reply = try await connection!.exchange(MLLP.frame(message.message),
                                                           timeoutSeconds: configuration.ackTimeoutSeconds)
                let ack = try HL7Acknowledgement(parsing: reply)
                guard ack.controlID == message.controlID else {
                    throw MLLPConnection.Failure.protocolError(
                        "the ACK answers \(ack.controlID), not \(message.controlID): dropping the connection")
                }
                try handle(ack, for: message)
                delay = configuration.retryInitialSeconds
                if !ack.code.accepted && !stopped { await pause(seconds: delay) }
            } catch {
                connection?.close()
                connection = nil
                let text = (error as? MLLPConnection.Failure).map(\.description) ?? "\(error)"
                if case .timedOut = error as? MLLPConnection.Failure { timeouts.increment() }
                reconnects.increment()
                state.withLock { $0.connected = false; $0.lastError = text }
                logger.warning("delivery of \(message.controlID) failed (\(text)); retrying in \(delay) s with the same MSH-10")
                await pause(seconds: delay)
                delay = min(delay * 2, configuration.retryMaxSeconds)
            }
        }
    }

    private func handle(_ ack: HL7Acknowledgement, for message: Pending) throws {
        if ack.code.accepted {
            accepted.increment()
            try store.write { db in
                try db.execute(sql: "DELETE FROM hl7_outbox WHERE id = ?", arguments: [message.id])
                try RecordStore.setCursor(message.lastSeq, of: configuration.sinkName, in: db)
            }
            lagTimer.recordNanoseconds(max(0, clock.now().nanosecondsSinceEpoch - message.createdNanoseconds))
            state.withLock { $0.lastError = nil }
            return
        }
        let action = ack.code.error ? configuration.onError : configuration.onReject
        (ack.code.error ? errors : rejected).increment()
        let reason = "\(ack.code.rawValue)" + (ack.text.map { ": \($0)" } ?? "")
        let attempts = message.attempts + 1
        if action == .park || attempts >= configuration.maxAttempts {
            parkedCounter.increment()
            try store.write { db in
                try db.execute(sql: "UPDATE hl7_outbox SET parked = 1, attempts = ?, reason = ? WHERE id = ?",
                               arguments: [attempts, reason, message.id])
                try RecordStore.setCursor(message.lastSeq, of: configuration.sinkName, in: db)
            }
            logger.error("message \(message.controlID) parked after \(attempts) attempt(s): \(reason)")
            state.withLock { $0.lastError = "parked \(message.controlID): \(reason)" }
        } else {
            try store.write { db in
                try db.execute(sql: "UPDATE hl7_outbox SET attempts = ?, reason = ? WHERE id = ?",
                               arguments: [attempts, reason, message.id])
            }
            logger.warning("message \(message.controlID) answered \(reason); sending it again (attempt \(attempts + 1))")
            state.withLock { $0.lastError = "\(message.controlID): \(reason)" }
        }
    }

    private func pause(seconds: Double) async {
        try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    }

    /// Waits for a wake-up from the stage, a stop, or `seconds`.
    private func waitForWork(seconds: Double) async {
        await wakeups.wait(seconds: seconds)
    }
}

/// A wake-up that is never lost: a signal while nobody waits is kept for the next wait.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Locked(State())

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else { s.pending = true; return nil }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Returns on a signal (or one kept from before), or after `seconds`.
    func wait(seconds: Double) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            if !Task.isCancelled { self?.signal() }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.pending { s.pending = false; return true }
                s.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }
}

/// What the health endpoint shows of an HL7 sender.
public struct SinkHealthState: Sendable, Hashable {
    public var connected: Bool
    public var lastError: String?
    public var backlog: Int
    public var parked: Int
}

