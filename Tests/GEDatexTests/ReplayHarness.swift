import BedsideDriver
import BedsideModel
@testable import GEDatex

/// Feeds a byte stream to a listening driver in chunks and collects what it emits.
struct Replay {
    var observations: [Observation] = []
    var counters: [String: Int] = [:]
    var transmitted: [UInt8] = []

    var numerics: [NumericReading] {
        observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } }
    }
    var waveforms: [WaveformSegment] {
        observations.compactMap { if case .waveform(let w) = $0 { w } else { nil } }
    }
    var links: [LinkEvent] {
        observations.compactMap { if case .link(let l) = $0 { l } else { nil } }
    }

    /// Chunk sizes cycle through `chunkSizes`; host time advances 1 ms per chunk from `start`.
    static func run(_ bytes: [UInt8], chunkSizes: [Int] = [4096], start: Timestamp = Timestamp(secondsSinceEpoch: 1_700_000_000),
                    configuration: DriverConfiguration = DriverConfiguration(transmitEnabled: false)) -> Replay {
        var driver = GEDatexDriver(configuration: configuration)
        var output = DriverOutput()
        var replay = Replay()
        func drain() {
            replay.observations += output.observations
            for (k, v) in output.counters { replay.counters[k.name, default: 0] += v }
            replay.transmitted += output.transmit
            output.reset()
        }
        var now = start
        driver.start(now: now, into: &output)
        drain()
        var i = 0
        var c = 0
        while i < bytes.count {
            let n = min(chunkSizes[c % chunkSizes.count], bytes.count - i)
            c += 1
            driver.receive(Array(bytes[i..<(i + n)]), now: now, into: &output)
            drain()
            i += n
            now = now.adding(nanoseconds: 1_000_000)
        }
        driver.stop(now: now, into: &output)
        drain()
        return replay
    }

    func first(_ vendorCode: String) -> NumericReading? { numerics.first { $0.metric.vendorCode == vendorCode } }
    func all(_ vendorCode: String) -> [NumericReading] { numerics.filter { $0.metric.vendorCode == vendorCode } }
}
