import ArgumentParser
import CoreMetrics
import Prometheus
import Foundation
import BedsideRuntime
import BedsideFeedService
import BedsideHTTPService
import BedsideMLLP
import BedsidePlatform
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
    @Option(name: .customLong("hl7"), parsing: .singleValue, help: ArgumentHelp(
        "Send IHE PCD-01/-04/-10 (HL7 v2.6) over MLLP to this receiver, HOST:PORT (repeatable; needs --data-dir).",
        discussion: "Messages wait in the store until the receiver acknowledges them; a resend keeps its MSH-10."))
    var hl7: [String] = []
    @Option(help: "MSH-4 and PV1-3 facility for HL7 messages (the clinic).")
    var hl7Facility: String?
    @Option(help: "PV1-3 point of care for HL7 messages (the unit; the chair is the room).")
    var hl7PointOfCare: String = "INFUSION"
    @Option(help: "Seconds to wait for an HL7 acknowledgement before reconnecting and resending.")
    var hl7AckTimeout: Double = 30
    @Option(help: "Serve the live feed (NDJSON, resumable) on this Unix domain socket (needs --data-dir).")
    var feedSocket: String?
    @Option(help: "Serve the live feed on this TCP address, HOST:PORT (loopback only; needs --data-dir).")
    var feedTcp: String?
    @Option(help: "Require this bearer token from feed clients (at least 16 characters).")
    var feedToken: String?
    @Option(help: "TLS on the feed's TCP listener: PEM certificate chain (with --feed-tls-key; required beyond loopback).")
    var feedTlsCert: String?
    @Option(help: "TLS on the feed's TCP listener: PEM private key.")
    var feedTlsKey: String?
    @Option(help: "Serve WebSocket/SSE feed, /v1/devices, /health and /metrics on HOST:PORT (loopback unless token and TLS; needs --data-dir).")
    var http: String?
    @Option(help: "Require this bearer token (Authorization: Bearer …) on every HTTP request.")
    var httpToken: String?
    @Option(help: "HTTPS/WSS: PEM certificate chain (with --http-tls-key; required beyond loopback).")
    var httpTlsCert: String?
    @Option(help: "HTTPS/WSS: PEM private key.")
    var httpTlsKey: String?

    /// - Parameters:
    ///   - defaultDataDir: the store to use when `--data-dir` is not given (`bedside demo` has one).
    ///   - defaultFeedSocket: the feed socket to serve when neither `--feed-socket` nor `--feed-tcp` is given.
    func configuration(defaultDataDir: String? = nil, defaultFeedSocket: ((String) -> String)? = nil,
                       defaultHTTP: String? = nil) throws -> ForwardingConfiguration {
        guard let dataDir = dataDir ?? defaultDataDir else {
            if !hl7.isEmpty { throw ValidationError("--hl7 needs --data-dir DIR: messages wait in the store until acknowledged") }
            if feedSocket != nil || feedTcp != nil || http != nil { throw ValidationError("the feed service needs --data-dir DIR: clients resume from the store") }
            return .none
        }
        let store = StoreConfiguration(dataDirectory: dataDir, durability: durability, maxAgeSeconds: retainHours * 3600,
                                       maxBytes: retainMib << 20)
        var sinks: [any ForwardingSinkConfiguration] = []
        for endpoint in hl7 {
            guard var receiver = HL7ReceiverConfiguration(endpoint: endpoint) else {
                throw ValidationError("--hl7 \(endpoint): give HOST:PORT, e.g. --hl7 127.0.0.1:2575")
            }
            receiver.facility = hl7Facility
            receiver.pointOfCare = hl7PointOfCare
            receiver.ackTimeoutSeconds = hl7AckTimeout
            sinks.append(receiver)
        }
        var feed = FeedServiceConfiguration(unixSocketPath: feedSocket, bearerToken: feedToken, tlsCertificatePath: feedTlsCert,
                                            tlsKeyPath: feedTlsKey)
        if let feedTcp {
            guard let colon = feedTcp.lastIndex(of: ":"), let port = Int(feedTcp[feedTcp.index(after: colon)...]) else {
                throw ValidationError("--feed-tcp \(feedTcp): give HOST:PORT, e.g. --feed-tcp 127.0.0.1:7400")
            }
            feed.tcpHost = String(feedTcp[..<colon])
            feed.tcpPort = port
        }
        if feed.unixSocketPath == nil && feed.tcpPort == nil, let defaultFeedSocket {
            feed.unixSocketPath = defaultFeedSocket(dataDir)
        }
        if feed.unixSocketPath != nil || feed.tcpPort != nil { sinks.append(feed) }
        if let address = http ?? defaultHTTP {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
                throw ValidationError("--http \(address): give HOST:PORT, e.g. --http 127.0.0.1:7480")
            }
            sinks.append(HTTPServiceConfiguration(host: String(address[..<colon]), port: port, bearerToken: httpToken,
                                                  tlsCertificatePath: httpTlsCert, tlsKeyPath: httpTlsKey))
        }
        let config = ForwardingConfiguration(store: store, sinks: sinks)
        try config.validate()
        return config
    }
}

extension StoreConfiguration.Durability: ExpressibleByArgument {}

/// Where `bedside demo` keeps its store and feed socket unless told otherwise, so `bedside feed`
/// finds the running demo without options.
enum DemoDefaults {
    static var dataDirectory: String { "/tmp/bedside-demo-\(getuid())" }
    static func feedSocket(_ dataDirectory: String) -> String { dataDirectory + "/feed.sock" }
    /// The demo's HTTP service; port 0 (any free port, logged) when another demo runs.
    static var httpAddress: String { availableDataDirectory() == dataDirectory ? "127.0.0.1:7480" : "127.0.0.1:0" }

    /// The shared demo directory — emptied, since a demo starts afresh — when no other demo holds
    /// it; otherwise a directory of this process's own. The claim (`demo.lock`, separate from the
    /// store's own lock) is held until the process exits, so two demos starting together never
    /// pick the same directory.
    static func availableDataDirectory(quiet: Bool = false) -> String {
        claimed.withLock { choice in
            if let choice { return choice }
            let shared = dataDirectory
            try? FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
            let fd = open(shared + "/demo.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 {
                // Kept open on purpose: the claim lasts as long as this demo.
                for name in ["bedside.sqlite", "bedside.sqlite-wal", "bedside.sqlite-shm"] {
                    try? FileManager.default.removeItem(atPath: shared + "/" + name)
                }
                choice = shared
                return shared
            }
            if fd >= 0 { close(fd) }
            let own = shared + "-\(getpid())"
            try? FileManager.default.removeItem(atPath: own)
            if !quiet { Console.note("another demo uses \(shared); this one keeps its store and feed socket in \(own)") }
            choice = own
            return own
        }
    }

    private static let claimed = Locked<String?>(nil)
}

/// The executable picks the metrics backend: Prometheus, read by the HTTP service's `/metrics`.
enum MetricsBackend {
    static func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusMetricsFactory.defaultRegistry))
    }
}
