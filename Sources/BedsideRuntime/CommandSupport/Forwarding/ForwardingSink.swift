import BedsideFeedService
import BedsideHTTPService
import BedsideMLLP
import BedsideStore
import Logging

/// A forwarding sink: reads committed records from the store (never from the bus directly), so
/// nothing reaches it that could still be lost, and it can resume from its cursor after an outage
/// or a restart.
public protocol ForwardingSink: Sendable {
    /// Unique per bridge (`hl7:lab-engine`, `feed`); names the sink in logs, metrics and health.
    var name: String { get }
    /// Runs until ``stop()``.
    func run() async
    func stop()
    /// Whether the sink delivers, for the health endpoint.
    var health: SinkHealth { get }
}

/// A sink's state as the health endpoint reports it.
public struct SinkHealth: Sendable, Hashable {
    public var name: String
    /// False when the sink cannot deliver (receiver down, messages parked).
    public var healthy: Bool
    /// What is wrong, when not healthy.
    public var detail: String?
    /// Records or messages committed but not yet delivered.
    public var backlog: Int

    public init(name: String, healthy: Bool, detail: String? = nil, backlog: Int = 0) {
        self.name = name
        self.healthy = healthy
        self.detail = detail
        self.backlog = backlog
    }
}

/// The typed configuration of one sink, as the command line or the service file gives it.
///
/// Adding a kind of sink: a configuration type conforming to this, listed in ``SinkCatalog/kinds``.
public protocol ForwardingSinkConfiguration: Sendable {
    /// The configuration-file section (`hl7`, `feed`).
    static var section: String { get }
    /// Checks the values before anything starts; the error names the setting.
    func validate() throws
    /// Builds the sink on `store`. Sinks that stage rows in the store's commit add their stage here.
    func makeSink(store: RecordStore, logger: Logger) throws -> any ForwardingSink
}

/// Every kind of forwarding sink the bridge has: the one registration list (as `DriverCatalog`
/// is for drivers). The configuration file's sections and `bedside sinks` come from here.
public enum SinkCatalog {
    public static let kinds: [any ForwardingSinkConfiguration.Type] = [
        HL7ReceiverConfiguration.self, FeedServiceConfiguration.self, HTTPServiceConfiguration.self,
    ]
}
