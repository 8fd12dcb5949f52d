import BedsidePlatform
import BedsideCapture
import BedsideModel
@testable import BedsideRuntime

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with ``TimedOut`` if it has not finished after `seconds`. A guard against a
/// hung test, not a speed assertion: the limits are generous, because on a two-core machine the test
/// runner's CPU-bound suites (long simulated sessions) can hold both concurrency threads for a
/// minute, and a body that is ready to finish then waits as long as its timer does.
func withTimeout<T: Sendable>(_ what: String, seconds: Double = 300,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw TimedOut(what: what)
        }
        group.cancelAll()
        return value
    }
}

/// Collects capture chunks in memory.
final class CollectingRecorder: TrafficRecorder {
    private let state = Locked((chunks: [CaptureChunk](), finished: false))
    func record(_ chunk: CaptureChunk) { state.withLock { $0.chunks.append(chunk) } }
    func finish() async throws { state.withLock { $0.finished = true } }
    var chunks: [CaptureChunk] { state.withLock { $0.chunks } }
    var finished: Bool { state.withLock { $0.finished } }
    func bytes(_ direction: CaptureChunk.Direction) -> [UInt8] {
        chunks.filter { $0.direction == direction }.flatMap(\.bytes)
    }
}

func numeric(_ value: Int64, at time: Timestamp = Timestamp(nanosecondsSinceEpoch: 0)) -> Observation {
    .numeric(NumericReading(metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147_842, vendorCode: "x:hr"),
                            value: DecimalValue(mantissa: value), unit: "/min", state: .valid,
                            deviceTime: nil, hostTime: time))
}

extension FeedEvent {
    var record: FeedRecord? { if case .record(let r) = self { r } else { nil } }
    var gap: FeedGap? { if case .gap(let g) = self { g } else { nil } }
}

extension Observation {
    var numericValue: DecimalValue? { if case .numeric(let r) = self { r.value } else { nil } }
    var linkKind: LinkEvent.Kind? { if case .link(let l) = self { l.kind } else { nil } }
}
