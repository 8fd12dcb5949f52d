import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Testing

@Suite("Driver session harness")
struct DriverSessionTests {
    static func session(seed: UInt64 = 1, toDriver: LinkFaults = .none, simulatorOptions: [String: String] = [:],
                        supervised: Bool = false) -> DriverSession {
        let configuration = DriverConfiguration(snapshotIntervalNanoseconds: nil)
        let driver: any DeviceDriver = supervised ? ToyDriver.supervised(configuration: configuration)
                                                  : ToyDriver(configuration: configuration)
        return DriverSession(driver: driver, simulator: ToySimulator(configuration: .init(options: simulatorOptions)),
                             seed: seed, toDriverFaults: toDriver)
    }

    @Test("a clean link: one request, a frame pair per second, nothing rejected, no contract breach")
    func cleanLink() {
        var s = Self.session()
        s.run(seconds: 10)
        // The device starts 0.1 s after GO arrives (1 ms latency) and sends every second: 10 pairs.
        #expect(s.deviceTransmitted.count == 10)
        #expect(s.numerics.count == 10)
        #expect(s.counters[.framesAccepted] == 20)
        #expect(s.counters[.checksumErrors] == nil)
        #expect(s.counters[.requestsSent] == 1)
        #expect(s.transmitted.map(\.bytes) == [Array("GO\n".utf8)])
        #expect(s.contractViolations.isEmpty)
        #expect(s.elapsedSeconds == 10)
        #expect(s.numerics.map { $0.value?.text } == ["72", "70", "72", "70", "72", "70", "72", "70", "72", "70"])
    }

    @Test("the same seed gives the same damage; another seed gives other damage")
    func seededFaults() {
        let faults = LinkFaults(drop: 0.3, corrupt: 0.3, duplicate: 0.2, split: 0.3)
        var a = Self.session(seed: 7, toDriver: faults)
        var b = Self.session(seed: 7, toDriver: faults)
        var c = Self.session(seed: 8, toDriver: faults)
        a.run(seconds: 60); b.run(seconds: 60); c.run(seconds: 60)
        #expect(a.delivered == b.delivered)
        #expect(a.counters == b.counters)
        #expect(a.delivered != c.delivered)
    }

    @Test("corrupt flips exactly one bit of every chunk, and the driver's checksum catches it")
    func corruptOneBit() {
        var s = Self.session(toDriver: LinkFaults(corrupt: 1))
        s.run(seconds: 10)
        try? #require(s.delivered.count == s.deviceTransmitted.count)
        for (sent, got) in zip(s.deviceTransmitted, s.delivered) {
            #expect(sent.bytes.count == got.bytes.count)
            let flipped = zip(sent.bytes, got.bytes).map { ($0 ^ $1).nonzeroBitCount }.reduce(0, +)
            #expect(flipped == 1)
        }
        #expect((s.counters[.checksumErrors] ?? 0) >= 1)
        #expect((s.counters[.framesAccepted] ?? 0) < 2 * s.delivered.count)
    }

    @Test("drop everything: no values, the driver goes silent and asks again")
    func dropAll() {
        var s = Self.session(toDriver: LinkFaults(drop: 1))
        s.run(seconds: 12)
        #expect(s.delivered.isEmpty)
        #expect(s.numerics.isEmpty)
        // Silence after 5 s, again after 10 s.
        #expect(s.links.map(\.kind) == [.silent, .silent])
        #expect(s.counters[.silences] == 2)
        #expect(s.counters[.requestsSent] == 3)
    }

    @Test("split delivers every chunk in two reads with the same bytes; the driver still decodes all")
    func splitChunks() {
        var s = Self.session(toDriver: LinkFaults(split: 1))
        s.run(seconds: 10)
        #expect(s.delivered.count == 2 * s.deviceTransmitted.count)
        #expect(s.delivered.flatMap(\.bytes) == s.deviceTransmitted.flatMap(\.bytes))
        #expect(s.counters[.framesAccepted] == 20)
        #expect(s.numerics.count == 10)
    }

    @Test("duplicate delivers every chunk twice")
    func duplicateChunks() {
        var s = Self.session(toDriver: LinkFaults(duplicate: 1))
        s.run(seconds: 5)
        #expect(s.delivered.map(\.bytes) == s.deviceTransmitted.flatMap { [$0.bytes, $0.bytes] })
        #expect(s.numerics.count == 2 * s.deviceTransmitted.count)
    }

    @Test("delay shifts delivery by latency plus the drawn delay; values carry the receipt time")
    func delay() {
        var s = Self.session(toDriver: LinkFaults(delaySeconds: 0.5...0.5))
        s.run(seconds: 5)
        let first = try? #require(s.delivered.first)
        #expect(first?.time == s.deviceTransmitted[0].time.adding(seconds: 0.501))
        #expect(s.numerics.first?.hostTime == first?.time)
    }

    @Test("a silence window loses everything sent in it, and only that")
    func silenceWindow() {
        var s = Self.session(toDriver: LinkFaults(silences: [3...6.5]))
        s.run(seconds: 10)
        let start = VirtualClock.defaultStart
        let sentInWindow = s.deviceTransmitted.filter {
            let t = Double($0.time.nanoseconds(since: start)) / 1e9
            return (3...6.5).contains(t)
        }
        // The device sends at 0.101 s (GO arrives after 1 ms, first frame 0.1 s later) and every second.
        #expect(sentInWindow.count == 4)
        #expect(s.delivered.count == s.deviceTransmitted.count - sentInWindow.count)
        for chunk in s.delivered {
            let t = Double(chunk.time.nanoseconds(since: start)) / 1e9
            #expect(!(3.001...6.501).contains(t))
        }
    }
}
