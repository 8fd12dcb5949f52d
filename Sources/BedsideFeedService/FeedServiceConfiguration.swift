/// The live feed service for the monitoring daemon: NDJSON over a Unix domain socket and TCP,
/// with resume from the store.
///
/// Filled from `--feed-socket PATH` / `--feed-tcp HOST:PORT` or the service file's `feed` section.
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
    /// PEM certificate chain and private key: the TCP listener speaks TLS (swift-nio-ssl).
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    public init(unixSocketPath: String? = nil, tcpHost: String? = nil, tcpPort: Int? = nil,
                clientBufferRecords: Int = 10_000, bearerToken: String? = nil, tlsCertificatePath: String? = nil,
                tlsKeyPath: String? = nil) {
        self.unixSocketPath = unixSocketPath
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.clientBufferRecords = clientBufferRecords
        self.bearerToken = bearerToken
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
    }

    var usesTLS: Bool { tlsCertificatePath != nil }

    public static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

    public func validate() throws(FeedServiceError) {
        if unixSocketPath == nil && tcpPort == nil {
            throw .configuration("the feed service needs a Unix socket path or a TCP port")
        }
        if let port = tcpPort, !(0...65535).contains(port) { throw .configuration("feed TCP port \(port) is not 0–65535") }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw .configuration("TLS needs both a certificate chain and a private key (PEM files)")
        }
        if let host = tcpHost, !Self.loopbackHosts.contains(host), bearerToken == nil || !usesTLS {
            // Beyond loopback the feed carries patient data over a network: it needs TLS and a token.
            throw .configuration("listening on \(host), beyond loopback, needs both a bearer token (--feed-token) and TLS "
                                 + "(--feed-tls-cert, --feed-tls-key); or use 127.0.0.1")
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
