import BedsideTestSupport
import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// Random and mutated input must never crash the deframer or the decoders, and a frame that
/// fails its FCS must never yield a reading.
@Suite struct FuzzTests {

    /// Monitor messages from a short simulated session, as fuzzing seeds.
    static let seeds: [[UInt8]] = {
        var b = SessionBench(simulator: SimulatorConfiguration(seed: 9, scenarioSpeed: 60))
        b.start(); b.advance(seconds: 40)
        return b.messages(from: .monitor)
    }()

    @Test func randomBytesNeverCrashAndYieldNoReadings() {
        var rng = SplitMix64(state: 1)
        var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        driver.start(now: t(0), into: &out)
        out.reset()
        var readings = 0
        for i in 0..<2000 {
            var chunk = (0..<Int.random(in: 1...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if i % 3 == 0 { chunk.insert(0xc0, at: 0) }
            driver.receive(chunk, now: t(Double(i) * 0.01), into: &out)
            readings += out.observations.filter { if case .link = $0 { false } else { true } }.count
            out.reset()
        }
        #expect(readings == 0)
    }

    @Test func mutatedFramesWithBrokenFCSNeverYieldReadings() {
        var rng = SplitMix64(state: 2)
        var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        driver.start(now: t(0), into: &out)
        out.reset()
        var readings = 0, rejected = 0
        for (i, message) in Self.seeds.enumerated() {
            var frame = IntelliVueFrameEncoder.frame(message)
            // Flip 1–3 bits strictly inside the frame, keeping BOF/EOF.
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 1..<(frame.count - 1), using: &rng)
                frame[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
            driver.receive(frame, now: t(Double(i) * 0.01), into: &out)
            readings += out.observations.filter { if case .link = $0 { false } else { true } }.count
            rejected += out.counters.filter { $0.key.name.hasPrefix("frames.") && $0.key.name != "frames.ok" && $0.key.name != "frames.sent" }.values.reduce(0, +)
            out.reset()
        }
        // CRC-16 detects every 1–3 bit error in frames this size; escapes may split a frame in two.
        #expect(readings == 0)
        #expect(rejected >= Self.seeds.count)
    }

    @Test func mutatedMessagesWithValidFCSAreDecodedOrRejectedSafely() {
        var rng = SplitMix64(state: 3)
        var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        driver.start(now: t(0), into: &out)
        out.reset()
        var errors = 0, decoded = 0
        for round in 0..<6 {
            for (i, seed) in Self.seeds.enumerated() {
                var message = seed
                switch (round + i) % 3 {
                case 0:  // byte mutations
                    for _ in 0..<Int.random(in: 1...8, using: &rng) {
                        message[Int.random(in: 0..<message.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    }
                case 1:  // truncation
                    message = Array(message.prefix(Int.random(in: 1...message.count, using: &rng)))
                default:  // length fields at random places set to extreme values
                    let at = Int.random(in: 0..<max(1, message.count - 1), using: &rng)
                    message[at] = 0xff
                    if at + 1 < message.count { message[at + 1] = UInt8.random(in: 0...255, using: &rng) }
                }
                guard message.count <= IntelliVueFraming.maximumUserDataLength else { continue }
                driver.receive(IntelliVueFrameEncoder.frame(message), now: t(Double(round * 1000 + i) * 0.01), into: &out)
                errors += out.counters["frames.malformed", default: 0] + out.counters["attributes.malformed", default: 0]
                decoded += out.counters["polls.results", default: 0]
                out.reset()
            }
        }
        #expect(errors > 0)
        #expect(decoded > 0)
    }

    @Test func simulatorSurvivesGarbageFromTheHost() {
        var rng = SplitMix64(state: 4)
        var sim = IntelliVueSimulator(configuration: SimulatorConfiguration())
        var out = SimulatorOutput()
        sim.start(now: t(0), into: &out)
        for i in 0..<500 {
            var message = Self.seeds[i % Self.seeds.count]
            message[0] = [0x0d, 0x09, 0x19, 0xe1][i % 4]
            for _ in 0..<4 { message[Int.random(in: 0..<message.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            sim.receive(IntelliVueFrameEncoder.frame(message), now: t(Double(i) * 0.05), into: &out)
            out.reset()
        }
        #expect(sim.framesDropped == 0)
    }
}
