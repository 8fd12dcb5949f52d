import BedsideCapture
import BedsideDriver
import BedsideModel

/// Runs a driver over recorded chunks, offline and deterministically: received chunks are fed at
/// their recorded times, and the driver's timers fire at the deadlines it asks for that fall
/// before the next chunk (so "device silent" logic behaves as it did live). The driver only
/// listens: an rx-only recording has no answers to its requests.
struct OfflineDecode<Driver: DeviceDriver> {
    var driver: Driver
    private var output = DriverOutput()
    private(set) var counters: [String: Int] = [:]

    init(driver: Driver) { self.driver = driver }

    /// Feeds every chunk; `emit` receives each call's identity update and observations, in order.
    mutating func run(_ chunks: [CaptureChunk],
                      emit: (DeviceIdentityUpdate?, [Observation]) async throws -> Void) async throws {
        guard let first = chunks.first else { return }
        driver.start(now: first.time, into: &output)
        try await drain(emit)
        for chunk in chunks where chunk.direction == .rx {
            while let deadline = output.nextDeadline, deadline <= chunk.time {
                output.nextDeadline = nil
                driver.tick(now: deadline, into: &output)
                try await drain(emit)
            }
            output.nextDeadline = nil  // every call states its deadline afresh
            chunk.bytes.withUnsafeBytes { driver.receive($0, now: chunk.time, into: &output) }
            try await drain(emit)
        }
    }

    private mutating func drain(_ emit: (DeviceIdentityUpdate?, [Observation]) async throws -> Void) async throws {
        for (name, n) in output.counters { counters[name, default: 0] += n }
        if output.identity != nil || !output.observations.isEmpty {
            try await emit(output.identity, output.observations)
        }
        let deadline = output.nextDeadline
        output.reset()
        output.nextDeadline = deadline
    }
}
