import BedsideModel
import BedsideStore
import Logging

extension RecordStore: FeedJournal {}

/// The forwarding side of a running bridge: the opened store, the bus numbering after it, and the
/// running sinks.
public final class ForwardingService: Sendable {
    public let store: RecordStore?
    public let bus: FeedBus
    public let sinks: [any ForwardingSink]
    private let tasks: [Task<Void, Never>]
    private let logger: Logger

    /// Opens the store (if configured), creates the bus that continues its numbering under its
    /// bridge id, and starts every sink.
    public init(_ configuration: ForwardingConfiguration, logger: Logger = Logger(label: "bedside.forwarding")) throws {
        try configuration.validate()
        self.logger = logger
        guard let storeConfiguration = configuration.store else {
            store = nil
            bus = FeedBus(logger: logger)
            sinks = []
            tasks = []
            return
        }
        let store = try RecordStore(configuration: storeConfiguration, logger: logger)
        self.store = store
        bus = FeedBus(bridgeId: store.bridgeId, lastSeq: store.lastSeq, journal: store, logger: logger)
        let sinks = try configuration.sinks.map { try $0.makeSink(store: store, logger: logger) }
        self.sinks = sinks
        for case let reporter as any HealthReporting in sinks {
            reporter.report { sinks.map(\.health) }
        }
        tasks = sinks.map { sink in Task { await sink.run() } }
        let sinkList = sinks.isEmpty ? "" : "; sinks: \(sinks.map(\.name).joined(separator: ", "))"
        logger.notice("forwarding: store \(storeConfiguration.databasePath), bridge \(store.bridgeId), continuing after seq \(store.lastSeq)\(sinkList)")
    }

    /// Health of every sink.
    public var health: [SinkHealth] { sinks.map(\.health) }

    /// Commits what is queued, stops the sinks and closes the store.
    public func stop() async {
        await store?.flush()
        // End every live subscription first: a feed client (an SSE or WebSocket stream, a socket
        // reader) then finishes its response, so no sink waits on a client that never leaves.
        store?.committed.finish()
        sinks.forEach { $0.stop() }
        for task in tasks { await task.value }
        await store?.close()
    }
}

extension ForwardingService {
    /// Runs the bridge, then — however it ended — commits and stops forwarding before the outcome
    /// is reported, so a failing run still leaves everything it read in the store.
    public func outcome<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error> {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        await stop()
        return result
    }
}
