import ArgumentParser
import BedsideRuntime
import BedsideStore

/// The forwarding options `run`, `capture` and `demo` share: the durable store and its sinks.
/// The service configuration file fills the same ``ForwardingConfiguration``.
struct ForwardingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Keep every record in a durable store (SQLite) in this directory; forwarding sinks read from it.",
        discussion: "The bridge id and seq numbering continue across restarts of a bridge using the same directory."))
    var dataDir: String?
    @Option(help: "With --data-dir: delete records older than this many hours (default 168).")
    var retainHours: Double = 168
    @Option(help: "With --data-dir: keep at most this many MiB of records (default 2048).")
    var retainMib: Int64 = 2048
    @Option(help: "With --data-dir: what a commit survives: power (fsync each batch) or process (kill -9 only).")
    var durability: StoreConfiguration.Durability = .power

    func configuration() throws -> ForwardingConfiguration {
        guard let dataDir else { return .none }
        let store = StoreConfiguration(dataDirectory: dataDir, durability: durability, maxAgeSeconds: retainHours * 3600,
                                       maxBytes: retainMib << 20)
        let config = ForwardingConfiguration(store: store, sinks: [])
        try config.validate()
        return config
    }
}

extension StoreConfiguration.Durability: ExpressibleByArgument {}
