import BedsideDriver
import BedsideModel
@testable import BedsideCapture
import Testing

/// A line protocol small enough to reason about: the host says HELLO, polls every second, answers
/// PING with PONG, and says BYE on stop; every line from the device becomes a link event.
struct ToyDriver: DeviceDriver {
    static let descriptor = DriverDescriptor(name: "toy", vendor: "Test", summary: "line-based toy protocol",
                                             defaultSerialSettings: SerialSettings(baudRate: 9600))
    var line: [UInt8] = []
    var nextPoll = Timestamp(nanosecondsSinceEpoch: 0)
    let transmit: Bool

    init(configuration: DriverConfiguration) { transmit = configuration.transmitEnabled }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        send("HELLO\n", &output)
        output.observations.append(.link(LinkEvent(kind: .requesting, hostTime: now)))
        nextPoll = now.adding(seconds: 1)
        output.nextDeadline = nextPoll
    }

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for b in bytes {
            if b == 0x0A {
                let text = String(decoding: line, as: UTF8.self)
                output.observations.append(.link(LinkEvent(kind: .connected, detail: text, hostTime: now)))
                output.count("lines")
                if text == "PING" { send("PONG\n", &output) }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(b)
            }
        }
        output.nextDeadline = nextPoll
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        if now >= nextPoll {
            send("POLL\n", &output)
            output.count("polls")
            nextPoll = nextPoll.adding(seconds: 1)
        }
        output.nextDeadline = nextPoll
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        send("BYE\n", &output)
        output.observations.append(.link(LinkEvent(kind: .stopped, hostTime: now)))
    }

    private func send(_ text: String, _ output: inout DriverOutput) {
        if transmit { output.transmit += Array(text.utf8) }
    }
}

@Suite struct OfflineReplayTests {
    func at(_ seconds: Double) -> Timestamp { t0.adding(seconds: seconds) }

    /// What the bridge recorded talking to the toy device.
    func session(secondPoll: String = "POLL\n", withTransmit: Bool = true) -> Capture {
        var chunks: [CaptureChunk] = [
            CaptureChunk(time: at(0.001), direction: .tx, bytes: Array("HELLO\n".utf8)),
            CaptureChunk(time: at(0.5), direction: .rx, bytes: Array("A=1\nB".utf8)),
            CaptureChunk(time: at(0.6), direction: .rx, bytes: Array("=2\n".utf8)),
            CaptureChunk(time: at(1.0), direction: .tx, bytes: Array("POLL\n".utf8)),
            CaptureChunk(time: at(2.0), direction: .tx, bytes: Array(secondPoll.utf8)),
            CaptureChunk(time: at(2.5), direction: .rx, bytes: Array("PING\n".utf8)),
            CaptureChunk(time: at(2.5001), direction: .tx, bytes: Array("PONG\n".utf8)),
            CaptureChunk(time: at(3.0), direction: .tx, bytes: Array("POLL\n".utf8)),
            CaptureChunk(time: at(3.2), direction: .rx, bytes: Array("C=3\n".utf8)),
        ]
        if !withTransmit { chunks.removeAll { $0.direction == .tx } }
        return Capture(header: CaptureHeader(driver: "toy", serialSettings: nil, port: nil, startTime: t0), chunks: chunks)
    }

    func replay(_ capture: Capture, transmit: Bool = true) -> ([Observation], OfflineReplayReport) {
        var observations: [Observation] = []
        var replay = OfflineReplay(driver: ToyDriver(configuration: .init(transmitEnabled: transmit)),
                                   startTime: capture.header.startTime) { observations.append($0) }
        replay.run(capture) { observations.append($0) }
        let report = replay.finish { observations.append($0) }
        return (observations, report)
    }

    @Test func timersFireAtTheirDeadlinesBeforeLaterBytes() {
        let (observations, report) = replay(session())
        #expect(observations == [
            .link(LinkEvent(kind: .requesting, hostTime: t0)),
            .link(LinkEvent(kind: .connected, detail: "A=1", hostTime: at(0.5))),
            .link(LinkEvent(kind: .connected, detail: "B=2", hostTime: at(0.6))),
            .link(LinkEvent(kind: .connected, detail: "PING", hostTime: at(2.5))),
            .link(LinkEvent(kind: .connected, detail: "C=3", hostTime: at(3.2))),
            .link(LinkEvent(kind: .stopped, hostTime: at(3.2))),
        ])
        #expect(report.ticks == 3)  // at 1 s, 2 s, 3 s; the 4 s deadline lies after the capture
        #expect(report.counters == ["lines": 4, "polls": 3])
        #expect(report.chunks == 9)
        #expect(report.receivedBytes == 17)
        #expect(report.endTime == at(3.2))
    }

    @Test func matchingTransmissionIsClean() throws {
        let (_, report) = replay(session())
        let check = try #require(report.transmitCheck)
        #expect(check.isClean)
        #expect(check.matchedBytes == "HELLO\nPOLL\nPOLL\nPONG\nPOLL\n".utf8.count)
        #expect(check.unrecordedStopBytes == 4)  // BYE\n
        #expect(check.mismatches.isEmpty)
    }

    @Test func mismatchesAreReportedWithTheirOffset() throws {
        let (_, report) = replay(session(secondPoll: "POXL\n"))
        let check = try #require(report.transmitCheck)
        #expect(!check.isClean)
        #expect(check.mismatchedBytes == 1)
        #expect(check.matchedBytes == "HELLO\nPOLL\nPOLL\nPONG\nPOLL\n".utf8.count - 1)
        #expect(check.mismatches == [
            TransmitMismatch(offset: 13, expected: [UInt8(ascii: "X")], actual: [UInt8(ascii: "L")], recordedAt: at(2.0), length: 1),
        ])
        #expect(check.mismatches[0].description.contains("tx offset 13"))
    }

    @Test func missingAndExtraBytesAreCounted() throws {
        // The recording has a poll the driver never sends (a listen-only driver sends nothing).
        let (_, silent) = replay(session(), transmit: false)
        let missing = try #require(silent.transmitCheck)
        #expect(missing.missingBytes == "HELLO\nPOLL\nPOLL\nPONG\nPOLL\n".utf8.count)
        #expect(missing.matchedBytes == 0 && missing.extraBytes == 0)

        // The recording lacks the last poll: the driver's is extra.
        var capture = session()
        capture.chunks.remove(at: 7)
        let (_, extra) = replay(capture)
        let check = try #require(extra.transmitCheck)
        #expect(check.extraBytes == 5)
        #expect(check.missingBytes == 0 && check.mismatchedBytes == 0)
        #expect(check.unrecordedStopBytes == 4)
    }

    @Test func listenOnlyCapturesSkipTheCheck() {
        let (observations, report) = replay(session(withTransmit: false))
        #expect(report.transmitCheck == nil)
        #expect(observations.count == 6)
    }

    @Test func streamingFromAFileGivesTheSameResultEveryTime() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("toy.bbcap")
        let capture = session()
        let writer = try CaptureWriter.create(path: path, header: capture.header)
        for c in capture.chunks { try writer.append(c) }
        try writer.close()

        let (expected, expectedReport) = replay(capture)
        for _ in 0..<2 {
            var observations: [Observation] = []
            let reader = try CaptureReader(path: path)
            var replay = OfflineReplay(driver: ToyDriver(configuration: .init()), startTime: reader.header.startTime) { observations.append($0) }
            try replay.run(reader) { observations.append($0) }
            let report = replay.finish { observations.append($0) }
            #expect(observations == expected)
            #expect(report.transmitCheck == expectedReport.transmitCheck)
            #expect(report.ticks == expectedReport.ticks)
        }
    }

    @Test func backwardsTimesAreClampedNotReordered() {
        var capture = session(withTransmit: false)
        capture.chunks[1].time = at(0.2)  // "=2\n" stamped before "A=1\nB" (wall clock stepped back)
        let (observations, report) = replay(capture)
        #expect(report.clampedChunks == 1)
        #expect(observations[2] == .link(LinkEvent(kind: .connected, detail: "B=2", hostTime: at(0.5))))
    }
}
