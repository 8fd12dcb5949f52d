import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideTestSupport
import Testing
@testable import IntelliVue

/// A real MP70 log with seeded bit flips, run through the supervised driver as the bridge runs it:
/// nothing crashes, no value the monitor cannot report comes out `valid`, and the output does not
/// depend on how the bytes were cut into reads.
@Suite(.enabled(if: SharedData.available, "needs ../shared/captures/intellivue-mp70 (or BEDSIDE_SHARED)"))
struct DeviceRangeTests {
    /// The monitor's frames with 1–4 bits flipped in about one message in three, re-framed with a
    /// valid FCS so the damage reaches the decoder (flips on the wire alone stop at the FCS check).
    static func damagedFrames(_ name: String, seed: UInt64) throws -> [(Timestamp, [UInt8])] {
        let capture = try IntelliVueSerialLog.importLog(try SharedData.log(name), source: name)
        var rng = SplitMix64(state: seed)
        var out: [(Timestamp, [UInt8])] = []
        var deframer = IntelliVueFrameDecoder()
        for chunk in capture.chunks where chunk.direction == .rx {
            var index = 0
            chunk.bytes.withUnsafeBytes { raw in
                while let event = deframer.next(in: raw, from: &index) {
                    guard event == .frame else { continue }
                    var message = deframer.message
                    if Int.random(in: 0..<3, using: &rng) == 0 {
                        for _ in 0..<Int.random(in: 1...4, using: &rng) {
                            message[Int.random(in: 0..<message.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                        }
                    }
                    out.append((chunk.time, IntelliVueFrameEncoder.frame(message)))
                }
            }
        }
        return out
    }

    /// Runs frames through the supervised driver, each frame cut into reads of the given sizes
    /// (0 = one read per frame), all at the frame's arrival time.
    static func run(_ frames: [(Timestamp, [UInt8])], cuts seed: UInt64?) -> [Observation] {
        var driver = IntelliVueDriver.supervised(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        var observations: [Observation] = []
        driver.start(now: frames[0].0, into: &out)
        observations += out.observations
        out.reset()
        var rng = SplitMix64(state: seed ?? 0)
        for (time, bytes) in frames {
            var rest = bytes[...]
            while !rest.isEmpty {
                let n = seed == nil ? rest.count : min(rest.count, Int.random(in: 1...64, using: &rng))
                driver.receive(Array(rest.prefix(n)), now: time, into: &out)
                rest = rest.dropFirst(n)
                observations += out.observations
                out.reset()
            }
        }
        return observations
    }

    @Test(arguments: [("mp70-serial-demo-mode.log", UInt64(1)), ("mp70-serial-fluke-simulator.log", 2),
                      ("mp70-serial-everything2.log", 3)])
    func bitFlipsNeverYieldValidValuesOutsideTheDeviceRange(_ name: String, seed: UInt64) throws {
        let frames = try Self.damagedFrames(name, seed: seed)
        let whole = Self.run(frames, cuts: nil)
        let ranges = IntelliVueDriver.descriptor.deviceRanges
        var checked = 0
        for case .numeric(let r) in whole where r.state == .valid {
            if let v = r.value, let range = ranges.range(for: r.metric) {
                #expect(range.contains(v), "\(name): \(r.metric.referenceID ?? r.metric.vendorCode) = \(v.text) is valid")
                checked += 1
            }
        }
        // The Fluke session carries valid values; the monitor of the other two ran in demo mode.
        #expect(checked > 0 || name != "mp70-serial-fluke-simulator.log")
        // With this seed the damage does reach the check on the Fluke log: a flipped value is caught.
        let caught = whole.filter { if case .numeric(let r) = $0 { r.reason?.contains("outside the device's range") == true } else { false } }
        #expect(!caught.isEmpty || name != "mp70-serial-fluke-simulator.log")
        // The same bytes read in random pieces give the same feed.
        let pieces = Self.run(frames, cuts: seed &+ 100)
        #expect(pieces == whole)
    }

    /// The range check itself, on a value the damage above may or may not produce: an SpO2 of 250 %.
    @Test func aValidValueOutsideItsRangeBecomesInvalidWithItsNumberKept() {
        var r = NumericReading(metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_SAT_O2", code: 150456, vendorCode: "intellivue:0x0002:0x4bb8"),
                               value: 250, unit: "%", state: .valid, deviceTime: nil, hostTime: t(0))
        #expect(!IntelliVueDriver.descriptor.deviceRanges.check(&r))
        #expect(r.state == .invalid && r.value == 250 && r.reason?.contains("outside the device's range") == true)
    }
}
