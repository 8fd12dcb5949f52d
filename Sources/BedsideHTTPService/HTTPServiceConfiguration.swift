/// The bridge's HTTP service: WebSocket and Server-Sent Events feed with resume, device state,
/// recent history of a metric, health, and Prometheus metrics.
///
/// Filled from `--http HOST:PORT` or the service file's `[http]` section.
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

    public init(host: String = "127.0.0.1", port: Int = 7480, bearerToken: String? = nil, clientBufferRecords: Int = 10_000,
                deviceSilenceSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
        self.clientBufferRecords = clientBufferRecords
        self.deviceSilenceSeconds = deviceSilenceSeconds
    }

    public func validate() throws(HTTPServiceError) {
        if !(0...65535).contains(port) { throw .configuration("HTTP port \(port) is not 0–65535") }
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            throw .configuration("the HTTP service listens on loopback only (\(host) asked): listening elsewhere needs a bearer "
                                 + "token and TLS, which this build does not offer yet; use 127.0.0.1 and an SSH tunnel")
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
