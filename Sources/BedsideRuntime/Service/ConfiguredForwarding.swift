import BedsideConfig

extension BridgeConfiguration {
    /// The store and sinks of the file's `store`, `feed`, `http` and `hl7` sections: one store and
    /// one set of sinks for the whole bridge, fed by every bound port.
    public var forwarding: ForwardingConfiguration {
        var sinks: [any ForwardingSinkConfiguration] = hl7
        if let feed { sinks.append(feed) }
        if let http { sinks.append(http) }
        return ForwardingConfiguration(store: store, sinks: sinks)
    }
}
