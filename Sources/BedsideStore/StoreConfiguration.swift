/// How the durable outbox is kept: where, how durably, and for how long.
///
/// A plain value with defaults; the command line (`--data-dir`) and the service configuration file
/// (`store`) fill it, ``validate()`` says what is wrong before anything is opened.
public struct StoreConfiguration: Sendable, Hashable {
    /// What a commit survives.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// Survives the bridge process being killed (kill -9, crash): SQLite `synchronous=NORMAL`
        /// in WAL mode. A power cut may lose the last commits, never corrupt the database.
        case process
        /// Also survives a power cut: every commit is fsync'ed (`synchronous=FULL`). Commits are
        /// batched, so this costs one fsync per batch, not per record.
        case power
    }

    /// Directory holding `bedside.sqlite` (and its `-wal`/`-shm` files); created when missing.
    public var dataDirectory: String
    public var durability: Durability
    /// Records older than this (by host receipt time) are deleted. `nil`: no age limit.
    public var maxAgeSeconds: Double?
    /// Upper bound of the records' stored size in bytes (their feed JSON); the oldest go first.
    /// SQLite reuses the freed pages, so the file stays near this size plus indexes.
    public var maxBytes: Int64
    /// Most records written in one transaction (the writer takes what has queued up, up to this).
    public var maxBatch: Int
    /// How often retention runs, in seconds.
    public var retentionIntervalSeconds: Double

    public static let fileName = "bedside.sqlite"

    public init(dataDirectory: String, durability: Durability = .power, maxAgeSeconds: Double? = 7 * 86_400,
                maxBytes: Int64 = 2 << 30, maxBatch: Int = 2048, retentionIntervalSeconds: Double = 30) {
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.maxAgeSeconds = maxAgeSeconds
        self.maxBytes = maxBytes
        self.maxBatch = maxBatch
        self.retentionIntervalSeconds = retentionIntervalSeconds
    }

    /// The database file.
    public var databasePath: String {
        dataDirectory.hasSuffix("/") ? dataDirectory + Self.fileName : dataDirectory + "/" + Self.fileName
    }

    /// Checks the values; the error names the setting and what to use instead.
    public func validate() throws(StoreError) {
        guard !dataDirectory.isEmpty else { throw .invalidConfiguration("the data directory is empty: name one (--data-dir DIR)") }
        if let age = maxAgeSeconds, !(age > 0) {
            throw .invalidConfiguration("maximum age \(age) s: use a positive number of seconds, or none")
        }
        guard maxBytes >= 1 << 20 else {
            throw .invalidConfiguration("maximum size \(maxBytes) bytes is too small to be useful: use at least 1 MiB")
        }
        guard (1...100_000).contains(maxBatch) else { throw .invalidConfiguration("batch size \(maxBatch): use 1…100000") }
        guard retentionIntervalSeconds > 0 else {
            throw .invalidConfiguration("retention interval \(retentionIntervalSeconds) s: use a positive number")
        }
    }
}
