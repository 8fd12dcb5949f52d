/// The live feed service for the monitoring daemon: NDJSON over a Unix domain socket and TCP,
/// with resume from the store.
///
/// Filled from `--feed-socket PATH` / `--feed-tcp HOST:PORT` or the service file's `[feed]` section.
public struct FeedServiceConfiguration: Sendable, Hashable {
    /// Unix domain socket path (replaced if a stale socket file is there).
    public var unixSocketPath: String?
    /// TCP listener; loopback only unless a bearer token is configured (see ``validate()``).
    public var tcpHost: String?
    public var tcpPort: Int?
    /// Records buffered per client before it counts as too slow and is disconnected (told from
    /// which `seq` it missed, so it resumes from the store).
    public var clientBufferRecords: Int
    /// When set, every client must present it (`"token"` in its request); a wrong or missing
    /// token is refused and logged without the token.
    public var bearerToken: String?

    public init(unixSocketPath: String? = nil, tcpHost: String? = nil, tcpPort: Int? = nil,
                clientBufferRecords: Int = 10_000, bearerToken: String? = nil) {
        self.unixSocketPath = unixSocketPath
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.clientBufferRecords = clientBufferRecords
        self.bearerToken = bearerToken
    }

    public static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

    public func validate() throws(FeedServiceError) {
        if unixSocketPath == nil && tcpPort == nil {
            throw .configuration("the feed service needs a Unix socket path or a TCP port")
        }
        if let port = tcpPort, !(0...65535).contains(port) { throw .configuration("feed TCP port \(port) is not 0–65535") }
        if let host = tcpHost, !Self.loopbackHosts.contains(host) {
            // Beyond loopback the feed carries patient data over a network: it needs TLS and a token.
            throw .configuration("the feed listens on loopback only (\(host) asked): listening elsewhere needs a bearer "
                                 + "token and TLS, which this build does not offer yet; use 127.0.0.1 and an SSH tunnel")
        }
        if clientBufferRecords < 16 { throw .configuration("client buffer \(clientBufferRecords) records is too small: use at least 16") }
        if let token = bearerToken, token.count < 16 { throw .configuration("the bearer token is too short: use at least 16 characters") }
    }
}

public enum FeedServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    case configuration(String)
    case bind(String)

    public var description: String {
        switch self {
        case .configuration(let text): "feed service: \(text)"
        case .bind(let text): "feed service: \(text)"
        }
    }
}
