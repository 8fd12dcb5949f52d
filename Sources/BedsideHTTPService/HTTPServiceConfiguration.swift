/// The bridge's HTTP service: WebSocket and Server-Sent Events feed with resume, device state,
/// recent history of a metric, health, and Prometheus metrics.
///
/// Filled from `--http HOST:PORT` or the service file's `http` section.
public struct HTTPServiceConfiguration: Sendable, Hashable {
    public var host: String
    /// 0 picks a free port (logged, and ``HTTPService/boundPort``).
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// Records buffered per WebSocket/SSE client before it is disconnected as too slow.
    public var clientBufferRecords: Int
    /// Values older than this count as stale for the health verdict of their device.
    public var deviceSilenceSeconds: Double
    /// PEM certificate chain and private key: the service speaks HTTPS and WSS (swift-nio-ssl).
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    public init(host: String = "127.0.0.1", port: Int = 7480, bearerToken: String? = nil, clientBufferRecords: Int = 10_000,
                deviceSilenceSeconds: Double = 30, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
        self.clientBufferRecords = clientBufferRecords
        self.deviceSilenceSeconds = deviceSilenceSeconds
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
    }

    public static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

    /// Whether the service speaks TLS.
    public var usesTLS: Bool { tlsCertificatePath != nil }

    public func validate() throws(HTTPServiceError) {
        if !(0...65535).contains(port) { throw .configuration("HTTP port \(port) is not 0–65535") }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw .configuration("TLS needs both a certificate chain and a private key (PEM files)")
        }
        if !Self.loopbackHosts.contains(host), bearerToken == nil || !usesTLS {
            // Beyond loopback the service carries patient data over a network: TLS and a token, both.
            throw .configuration("listening on \(host), beyond loopback, needs both a bearer token (--http-token) and TLS "
                                 + "(--http-tls-cert, --http-tls-key); or use 127.0.0.1")
        }
        if let token = bearerToken, token.count < 16 { throw .configuration("the bearer token is too short: use at least 16 characters") }
    }
}

public enum HTTPServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    case configuration(String)
    public var description: String {
        switch self {
        case .configuration(let text): "HTTP service: \(text)"
        }
    }
}
