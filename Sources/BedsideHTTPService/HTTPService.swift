import BedsideFeedService
import BedsidePlatform
import BedsideStore
import Foundation
import HTTPTypes
import HummingbirdCore
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle

/// One entry of the health report that the HTTP service gets from the bridge (sinks).
public struct HealthEntry: Sendable, Hashable {
    public var name: String
    public var healthy: Bool
    public var detail: String?
    public var backlog: Int

    public init(name: String, healthy: Bool, detail: String?, backlog: Int) {
        self.name = name
        self.healthy = healthy
        self.detail = detail
        self.backlog = backlog
    }
}

/// The HTTP service (Hummingbird): feed over WebSocket (`/v1/feed/ws`) and SSE (`/v1/feed/sse`)
/// with the same resume and filters as the socket feed, `GET /v1/devices`, `/v1/devices/{id}`,
/// `/v1/devices/{id}/history?metric=…`, `/health`, `/metrics`.
public final class HTTPService: Sendable {
    public let configuration: HTTPServiceConfiguration
    let store: RecordStore
    let streamer: FeedStreamer
    let tracker = DeviceStateTracker()
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    private let state = Locked(State())
    private let clock = BridgeClock()

    struct State {
        var task: Task<Void, Never>?
        var group: ServiceGroup?
        var serving: Task<Void, Never>?
        var port: Int?
        var stopped = false
        var health: (@Sendable () -> [HealthEntry])?
    }

    public init(configuration: HTTPServiceConfiguration, store: RecordStore, registry: PrometheusCollectorRegistry,
                logger: Logger = Logger(label: "bedside.http")) {
        self.configuration = configuration
        self.store = store
        streamer = FeedStreamer(store: store, bufferRecords: configuration.clientBufferRecords, logger: logger)
        self.registry = registry
        self.logger = logger
    }

    /// Where the sinks' health comes from (set by the bridge once every sink exists).
    public func setHealthSource(_ source: @escaping @Sendable () -> [HealthEntry]) { state.withLock { $0.health = source } }

    public var boundPort: Int? { state.withLock { $0.port } }

    /// Serves until ``stop()``.
    public func run() async {
        do { try configuration.validate() } catch {
            logger.error("\(error)")
            return
        }
        let server: HTTPServerBuilder
        do { server = try serverBuilder() } catch {
            logger.error("HTTP service: cannot use the TLS certificate or key: \(error)")
            return
        }
        let scheme = configuration.usesTLS ? "https" : "http"
        let app = Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "bedside"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port
                state.withLock { $0.port = port }
                logger.notice("HTTP service on \(scheme)://\(configuration.host):\(port ?? 0) (feed: /v1/feed/ws, /v1/feed/sse; /v1/devices, /health, /metrics)")
            },
            logger: logger)
        let tracker = self.tracker
        let store = self.store
        // A service group, so stopping is a graceful shutdown (open streams end first) rather
        // than a cancellation.
        let services = ServiceGroup(services: [app], logger: logger)
        let following = Task { await tracker.follow(store) }
        let task = Task {
            do { try await services.run() } catch { self.logger.error("HTTP service failed: \(error)") }
        }
        let stopped = state.withLock { s -> Bool in
            s.task = following
            s.group = services
            s.serving = task
            return s.stopped
        }
        if stopped { stop() }
        await task.value
        following.cancel()
        await following.value
    }

    /// HTTP/1.1 with WebSocket upgrade, inside TLS when a certificate is configured.
    private func serverBuilder() throws -> HTTPServerBuilder {
        let plain = HTTPServerBuilder.http1WebSocketUpgrade { [self] request, _, _ in try self.webSocketUpgrade(request) }
        guard let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath else { return plain }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try .tls(plain, tlsConfiguration: tls)
    }

    /// Shuts down gracefully: requests in progress finish. Feed streams end when the store's live
    /// subscriptions end (the bridge finishes them first); one still open after 2 s is cut.
    public func stop() {
        let (group, following, serving) = state.withLock { s -> (ServiceGroup?, Task<Void, Never>?, Task<Void, Never>?) in
            s.stopped = true
            return (s.group, s.task, s.serving)
        }
        following?.cancel()
        guard let group else { return }
        Task {
            await group.triggerGracefulShutdown()
            try? await Task.sleep(for: .seconds(2))
            serving?.cancel()
        }
    }

    // MARK: Routes

    func authorized(_ headers: HTTPFields) -> Bool {
        guard let token = configuration.bearerToken else { return true }
        let ok = headers[.authorization] == "Bearer \(token)"
        if !ok { logger.warning("HTTP request refused: \(headers[.authorization] == nil ? "no" : "wrong") bearer token") }
        return ok
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { [self] request, _ -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            return Self.json(healthReport())
        }
        router.get("/metrics") { [self] request, _ -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/v1/devices") { [self] request, _ -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            return Self.json(["devices": tracker.devices(now: clock.now().nanosecondsSinceEpoch, silenceSeconds: configuration.deviceSilenceSeconds)])
        }
        router.get("/v1/devices/:id") { [self] request, context -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            let id = context.parameters.get("id") ?? ""
            let devices = tracker.devices(now: clock.now().nanosecondsSinceEpoch, silenceSeconds: configuration.deviceSilenceSeconds)
            guard let device = devices.first(where: { ($0["device"] as? [String: Any])?["id"] as? String == id }) else {
                return Self.json(["error": "no device \(id) has reported since the bridge started"], status: .notFound)
            }
            return Self.json(device)
        }
        router.get("/v1/devices/:id/history") { [self] request, context -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            let id = context.parameters.get("id") ?? ""
            guard let metric = request.uri.queryParameters.get("metric") else {
                return Self.json(["error": "name the metric: ?metric=MDC_ECG_HEART_RATE"], status: .badRequest)
            }
            let limit = min(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100, 10_000)
            let records = try store.history(deviceID: id, metric: metric, limit: limit)
            var body = ByteBuffer(string: "[")
            for (i, r) in records.enumerated() {
                if i > 0 { body.writeString(",") }
                body.writeBytes(r.json)
            }
            body.writeString("]")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        router.get("/v1/feed/sse") { [self] request, _ -> Response in
            guard authorized(request.headers) else { return Self.unauthorized }
            var feedRequest = Self.feedRequest(request.uri.queryParameters)
            // An EventSource reconnecting sends the last id it saw: resume after it.
            if let last = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap(UInt64.init) {
                feedRequest.resumeAfter = last
            }
            let streamer = self.streamer
            let request = feedRequest
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: .init { writer in
                                var buffer = ByteBuffer()
                                _ = try? await streamer.stream(request) { line in
                                    buffer.clear()
                                    if line.hasPrefix(#"{"feed""#) {
                                        buffer.writeString("event: notice\ndata: \(line)\n\n")
                                    } else {
                                        let seq = Self.seq(of: line)
                                        buffer.writeString("id: \(seq)\ndata: \(line)\n\n")
                                    }
                                    try await writer.write(buffer)
                                }
                                try await writer.finish(nil)
                            })
        }
        return router
    }

    func webSocketUpgrade(_ request: HTTPRequest) throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let uri = URI(request.path ?? "/")
        guard uri.path == "/v1/feed/ws" else { return .dontUpgrade }
        guard authorized(request.headerFields) else { return .dontUpgrade }
        let feedRequest = Self.feedRequest(uri.queryParameters)
        let streamer = self.streamer
        return .upgrade([:]) { _, outbound, _ in
            _ = try? await streamer.stream(feedRequest) { line in try await outbound.write(.text(line)) }
        }
    }

    // MARK: Helpers

    static func feedRequest(_ q: Parameters) -> FeedRequest {
        func list(_ name: String) -> [String]? {
            let values = q.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }
            return values.isEmpty ? nil : values
        }
        return FeedRequest(resumeAfter: q.get("resume").flatMap { UInt64($0) }, bridgeId: q.get("bridgeId"), chair: list("chair"),
                           device: list("device"), kind: list("kind"), metric: list("metric"))
    }

    /// The `seq` of a feed line (its third key, after schemaVersion and bridgeId).
    static func seq(of line: String) -> String {
        guard let r = line.range(of: #""seq":"#) else { return "" }
        return String(line[r.upperBound...].prefix { $0.isNumber })
    }

    func healthReport() -> [String: Any] {
        let devices = tracker.devices(now: clock.now().nanosecondsSinceEpoch, silenceSeconds: configuration.deviceSilenceSeconds)
        let sinks = (state.withLock { $0.health })?() ?? []
        let degradedDevices = devices.filter { $0["degraded"] as? Bool == true }
        let degradedSinks = sinks.filter { !$0.healthy }
        return [
            "status": degradedDevices.isEmpty && degradedSinks.isEmpty ? "ok" : "degraded",
            "bridgeId": store.bridgeId,
            "store": ["lastSeq": store.lastSeq, "firstRetainedSeq": store.firstRetainedSeq.map { $0 as Any } ?? NSNull(),
                      "storedBytes": store.storedBytes, "queued": store.queuedCount] as [String: Any],
            "devices": devices.map { d -> [String: Any] in
                let device = d["device"] as? [String: Any] ?? [:]
                var out: [String: Any] = ["id": device["id"] ?? "", "degraded": d["degraded"] ?? false]
                if let loc = device["location"] { out["location"] = loc }
                if let reason = d["reason"] { out["reason"] = reason }
                return out
            },
            "sinks": sinks.map { s -> [String: Any] in
                var out: [String: Any] = ["name": s.name, "healthy": s.healthy, "backlog": s.backlog]
                if let d = s.detail { out["detail"] = d }
                return out
            },
        ]
    }

    static let unauthorized = Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
