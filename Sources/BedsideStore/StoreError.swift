/// What can go wrong with the durable outbox, each saying what to do.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The data directory could not be created or is not writable.
    case dataDirectory(path: String, reason: String)
    /// SQLite refused to open or migrate the database.
    case database(path: String, reason: String)
    /// Another bridge holds the data directory.
    case busy(path: String)
    /// The store was closed.
    case closed

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "store configuration: \(text)"
        case .dataDirectory(let path, let reason):
            "data directory \(path): \(reason); create it or choose another with --data-dir"
        case .database(let path, let reason):
            "database \(path): \(reason); if the disk is full free space, if the file is damaged move it aside (the bridge starts a new one)"
        case .busy(let path): "data directory \(path) is in use by another bridge; stop it or choose another --data-dir"
        case .closed: "the store is closed"
        }
    }
}
