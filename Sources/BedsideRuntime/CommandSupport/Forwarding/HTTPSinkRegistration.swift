import BedsideHTTPService
import BedsideStore
import Logging
import Prometheus

/// The HTTP service (`--http HOST:PORT`, `http:`) as a forwarding sink: it reads committed
/// records like the other sinks, and reports every sink's health.
extension HTTPServiceConfiguration: ForwardingSinkConfiguration {
    public static var section: String { "http" }

    public func makeSink(store: RecordStore, logger: Logger) throws -> any ForwardingSink {
        HTTPServiceSink(service: HTTPService(configuration: self, store: store, registry: PrometheusMetricsFactory.defaultRegistry,
                                             logger: logger))
    }
}

struct HTTPServiceSink: ForwardingSink, HealthReporting {
    let service: HTTPService

    var name: String { "http" }
    func run() async { await service.run() }
    func stop() { service.stop() }
    var health: SinkHealth { SinkHealth(name: name, healthy: service.boundPort != nil) }

    func report(_ source: @escaping @Sendable () -> [SinkHealth]) {
        service.setHealthSource {
            source().map { HealthEntry(name: $0.name, healthy: $0.healthy, detail: $0.detail, backlog: $0.backlog) }
        }
    }
}

/// A sink that reports the health of all sinks (the HTTP service's `/health`).
protocol HealthReporting {
    func report(_ source: @escaping @Sendable () -> [SinkHealth])
}
