import BedsideStore

/// Where the bridge forwards to: the durable store and the sinks that read it.
///
/// `bedside run` and `bedside demo` fill it from `--data-dir` and the sink options; the service
/// configuration file fills the same value from its `store` section and one entry per sink.
public struct ForwardingConfiguration: Sendable {
    /// `nil`: no store, records go only to stdout as before (and no sink can run).
    public var store: StoreConfiguration?
    public var sinks: [any ForwardingSinkConfiguration]

    public init(store: StoreConfiguration? = nil, sinks: [any ForwardingSinkConfiguration] = []) {
        self.store = store
        self.sinks = sinks
    }

    public static let none = ForwardingConfiguration()

    /// Checks every part; a sink without a store is a configuration error (nothing could resume it).
    public func validate() throws {
        if let store { try store.validate() }
        if store == nil && !sinks.isEmpty {
            throw CommandFailure("forwarding needs a store: add --data-dir DIR (where undelivered records wait)",
                                 exitStatus: .usage)
        }
        for sink in sinks { try sink.validate() }
    }
}
