import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import IntelliVue

/// Replay throughput of the four real logs through the listen-only driver. Prints MB/s of raw
/// capture; asserts nothing about speed (run with `-c release` and BEDSIDE_BENCH=1).
@Suite(.enabled(if: SharedData.available && ProcessInfo.processInfo.environment["BEDSIDE_BENCH"] == "1",
                "set BEDSIDE_BENCH=1 (and build with -c release) to measure replay throughput"))
struct ThroughputTests {
    @Test func replayThroughput() throws {
        var chunks: [CaptureChunk] = []
        for name in SharedData.logNames {
            chunks += try IntelliVueSerialLog.importLog(try SharedData.log(name), source: name).chunks
        }
        let bytesPerPass = chunks.reduce(0) { $0 + $1.bytes.count }
        let passes = 40
        var observations = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<passes {
                var driver = IntelliVueDriver(configuration: DriverConfiguration(transmitEnabled: false))
                var out = DriverOutput()
                driver.start(now: chunks[0].time, into: &out)
                for c in chunks {
                    driver.receive(c.bytes, now: c.time, into: &out)
                    observations += out.observations.count
                    out.reset()
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mb = Double(bytesPerPass * passes) / 1e6
        print("IntelliVue replay: \(String(format: "%.1f", mb)) MB in \(String(format: "%.3f", seconds)) s = \(String(format: "%.1f", mb / seconds)) MB/s, \(observations) observations")
        #expect(observations > 0)
    }

    @Test func framingThroughput() throws {
        var raw: [UInt8] = []
        for name in SharedData.logNames {
            for c in try IntelliVueSerialLog.importLog(try SharedData.log(name), source: name).chunks { raw += c.bytes }
        }
        let passes = 100
        var frames = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            var decoder = IntelliVueFrameDecoder()
            for _ in 0..<passes {
                raw.withUnsafeBytes { buf in
                    var i = 0
                    while let e = decoder.next(in: buf, from: &i) { if e == .frame { frames += 1 } }
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("IntelliVue framing: \(String(format: "%.1f", Double(raw.count * passes) / 1e6 / seconds)) MB/s, \(frames) frames")
        #expect(frames > 0)
    }
}
