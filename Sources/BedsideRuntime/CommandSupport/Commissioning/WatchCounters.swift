import BedsidePlatform
import CoreMetrics

/// A swift-metrics backend that keeps the driver counters of each port in memory, for the link
/// statistics of `bedside watch` (frames, checksum errors, resync bytes, silences). The `bedside`
/// executable chooses it as the metrics backend of that command.
public final class WatchCounters: MetricsFactory, Sendable {
    private let totals = Locked([String: [String: Int]]())

    public init() {}

    /// A new instance made the process's metrics backend (once per process: swift-metrics allows
    /// one bootstrap). For the `bedside` executable, which picks backends.
    public static func bootstrapped() -> WatchCounters {
        let counters = WatchCounters()
        MetricsSystem.bootstrap(counters)
        return counters
    }

    /// Totals by port, then by driver event (`frames.ok`, `frames.checksum-error`, …).
    public var snapshot: [String: [String: Int]] { totals.withLock { $0 } }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let port = dimensions.first { $0.0 == "port" }?.1 ?? ""
        let event: String
        if label == "bedside_driver_events_total" {
            event = dimensions.first { $0.0 == "event" }?.1 ?? label
        } else if label == "bedside_port_bytes_total" {
            event = "bytes.\(dimensions.first { $0.0 == "direction" }?.1 ?? "?")"
        } else {
            return NOOPMetricsHandler.instance
        }
        return Handler(totals: totals, port: port, event: event)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    private final class Handler: CounterHandler, Sendable {
        let totals: Locked<[String: [String: Int]]>
        let port: String
        let event: String

        init(totals: Locked<[String: [String: Int]]>, port: String, event: String) {
            self.totals = totals
            self.port = port
            self.event = event
        }

        func increment(by amount: Int64) {
            totals.withLock { $0[port, default: [:]][event, default: 0] += Int(amount) }
        }

        func reset() {
            totals.withLock { $0[port]?[event] = 0 }
        }
    }
}
