import BedsideHL7
import BedsideModel
import BedsideStore
import BedsideTestSupport
import Foundation
import Logging
import GRDB
import Testing
@testable import BedsideMLLP

/// Host times of the records these tests store: now (to the hour), since a store deletes records
/// older than its age limit (7 days) at its next retention pass, and a slow run reaches one.
let testEpoch = Int64(Date().timeIntervalSince1970) / 3600 * 3600

func temporaryDirectory(_ tag: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-\(tag)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Heart-rate records of two devices, one observation time each (so one PCD-01 per record), and
/// an alarm start/end on the first device.
func vitals(_ range: ClosedRange<UInt64>, bridgeId: String) -> [FeedRecord] {
    range.map { seq in
        let device = DeviceIdentity(id: seq % 2 == 0 ? "02005EFFFE0000A1" : "02005EFFFE0000A2", driver: "toy", vendor: "Toy",
                                    location: seq % 2 == 0 ? "chair-1" : "chair-2")
        let t = Timestamp(secondsSinceEpoch: testEpoch + Int64(seq))
        if seq % 10 == 5 || seq % 10 == 6 {
            let alarm = AlarmEvent(alarmId: "hr-\(seq / 10)", phase: seq % 10 == 5 ? .start : .end, category: .physiological,
                                   priority: .high, text: "HR high",
                                   event: MetricIdentity(referenceID: "MDC_EVT_HI", code: 196648, vendorCode: "toy:hi"),
                                   metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "toy:hr"),
                                   value: Quantity(DecimalValue(mantissa: Int64(130 + seq % 7)), unit: "/min", unitCode: 264864),
                                   deviceTime: nil, hostTime: t)
            var d = device
            d.id = "02005EFFFE0000A1"
            return FeedRecord(seq: seq, bridgeId: bridgeId, device: d, observation: .alarm(alarm))
        }
        let reading = NumericReading(
            metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "toy:hr"),
            containment: Containment(vmd: 1, channel: 1, metric: 1, vmdCode: 69798, channelCode: 69799),
            value: DecimalValue(mantissa: Int64(60 + seq % 40)), unit: "/min", unitCode: 264864, state: .valid,
            deviceTime: .utc(t), hostTime: t)
        return FeedRecord(seq: seq, bridgeId: bridgeId, device: device, observation: .numeric(reading))
    }
}

/// Short back-off so the tests do not idle; an ACK time-out generous enough for a loaded machine
/// (the no-answer test sets its own).
func fastReceiver(port: Int, ackTimeout: Double = 15) -> HL7ReceiverConfiguration {
    HL7ReceiverConfiguration(name: "test", host: "127.0.0.1", port: port, ackTimeoutSeconds: ackTimeout, connectTimeoutSeconds: 5,
                             retryInitialSeconds: 0.1, retryMaxSeconds: 0.5, maxAttempts: 3)
}

/// Control ids in outbox order for a sink.
func outbox(_ store: RecordStore, _ sink: String) throws -> [String] {
    try store.read { db in try String.fetchAll(db, sql: "SELECT control_id FROM hl7_outbox WHERE sink = ? ORDER BY id", arguments: [sink]) }
}

/// Waits (up to 60 s) until `sink`'s outbox is empty. The receiver logs a message as it sends its
/// ACK; the sender deletes the message once that ACK is in, so a test that stops the sender the
/// moment the receiver has everything can catch the last deletion in flight.
func waitUntilDrained(_ store: RecordStore, _ sink: String) async throws {
    try await waitUntil(seconds: 60) { try outbox(store, sink).isEmpty }
}

@Suite("HL7 delivery over MLLP", .serialized)
struct MLLPDeliveryTests {
    init() throws {
        try #require(MLLPTestReceiver.available, "python-hl7 is not installed: run scripts/install-deps")
    }

    @Test("every message reaches python-hl7's MLLP server once, in order, valid under hl7apy and our PCD rules")
    func delivers() async throws {
        let dir = temporaryDirectory("mllp")
        let receiver = try MLLPTestReceiver(logPath: dir + "/received.jsonl")
        defer { receiver.stop() }
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        let delivery = try HL7Delivery(configuration: fastReceiver(port: receiver.port), store: store, logger: Logger(label: "test"))
        let task = Task { await delivery.sender.run() }
        store.append(vitals(1...40, bridgeId: store.bridgeId))
        await store.flush()
        let got = await receiver.wait(seconds: 180) { $0.count >= 40 }
        try await waitUntilDrained(store, "hl7:test")
        delivery.sender.stop()
        await task.value
        #expect(got.count == 40)
        let ids = got.map(\.controlId)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(try outbox(store, "hl7:test").isEmpty)
        #expect(try store.cursor(of: "hl7:test") == 40)
        // Alarm phases: start has no OBR-29; end points at the start's OBR-3.
        let alerts = got.filter { $0.message.contains("ORU^R40") }
        #expect(alerts.count == 8)
        let startOBR3 = alerts[0].message.split(separator: "\r").first { $0.hasPrefix("OBR") }!.split(separator: "|")[3]
        let endOBR = alerts[1].message.split(separator: "\r").first { $0.hasPrefix("OBR") }!
        #expect(endOBR.hasSuffix("^" + startOBR3.replacingOccurrences(of: "^", with: "&")))
        try expectValid(got.map(\.message))
        await store.close()
    }

    /// The issue's outage: the receiver is down for minutes while readings flow. Two minutes of
    /// wall time with two records a second keeps the whole test under three minutes.
    static let outageSeconds = 120

    @Test("receiver down for 2 minutes while readings flow: once it is back, everything arrives, in order, none lost")
    func outage() async throws {
        let dir = temporaryDirectory("mllp-outage")
        // Learn a free port, then take the receiver away.
        let first = try MLLPTestReceiver(logPath: dir + "/first.jsonl")
        let port = first.port
        first.stop()
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        let delivery = try HL7Delivery(configuration: fastReceiver(port: port), store: store, logger: Logger(label: "test"))
        let task = Task { await delivery.sender.run() }
        let clock = ContinuousClock()
        let down = clock.now
        var seq: UInt64 = 0
        var sawDisconnected = 0
        // Readings keep arriving for the whole outage; the sender keeps trying (connection refused,
        // back-off) the whole time.
        while clock.now - down < .seconds(Self.outageSeconds) {
            store.append(vitals(seq + 1...seq + 2, bridgeId: store.bridgeId))
            seq += 2
            if delivery.sender.health.connected == false { sawDisconnected += 1 }
            try await Task.sleep(for: .seconds(1))
        }
        await store.flush()
        let waiting = try outbox(store, "hl7:test")
        #expect(clock.now - down >= .seconds(Self.outageSeconds))
        #expect(waiting.count == Int(seq), "one message per record waits in the outbox")
        // Readings were appended on every tick until the outage had lasted its full time (how many
        // ticks fit depends on how busy the machine is, so only "several" is asserted).
        #expect(seq >= 4, "readings flowed during the outage")
        #expect(sawDisconnected == Int(seq / 2), "the receiver stayed unreachable the whole time")
        let receiver = try MLLPTestReceiver(port: port, logPath: dir + "/received.jsonl")
        defer { receiver.stop() }
        let got = await receiver.wait(seconds: 50) { $0.count >= waiting.count }
        try await waitUntilDrained(store, "hl7:test")
        delivery.sender.stop()
        await task.value
        #expect(got.map(\.controlId) == waiting, "every waiting message once, in outbox order")
        #expect(got.allSatisfy { $0.ack == "AA" })
        #expect(try outbox(store, "hl7:test").isEmpty)
        #expect(try store.cursor(of: "hl7:test") == seq)
        try expectValid(got.map(\.message))
        await store.close()
    }

    @Test("AR is parked with its reason and delivery goes on; AE is retried, then parked; an unanswered message is resent with the same MSH-10")
    func negativeAcknowledgements() async throws {
        let dir = temporaryDirectory("mllp-nak")
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        // Stage first with no receiver listening, to learn the control ids.
        let first = try MLLPTestReceiver(logPath: dir + "/probe.jsonl")
        let port = first.port
        first.stop()
        // A short ACK time-out here: one message is deliberately left unanswered.
        let delivery = try HL7Delivery(configuration: fastReceiver(port: port, ackTimeout: 2), store: store, logger: Logger(label: "test"))
        store.append(vitals(1...4, bridgeId: store.bridgeId))
        await store.flush()
        let ids = try outbox(store, "hl7:test")
        let receiver = try MLLPTestReceiver(port: port, logPath: dir + "/received.jsonl",
                                            replies: [ids[0]: "AR", ids[1]: "AE"], silentOnce: [ids[2]])
        defer { receiver.stop() }
        let task = Task { await delivery.sender.run() }
        let got = await receiver.wait(seconds: 180) { r in r.contains { $0.controlId == ids[3] } }
        delivery.sender.stop()
        await task.value
        #expect(got.filter { $0.controlId == ids[0] }.count == 1)  // AR: parked at once
        #expect(got.filter { $0.controlId == ids[1] }.count == 3)  // AE: three attempts, then parked
        let resent = got.filter { $0.controlId == ids[2] }
        #expect(resent.count == 2 && resent[0].message == resent[1].message)  // same bytes, same MSH-10
        #expect(got.map(\.controlId).filter { $0 != ids[1] && $0 != ids[2] } == [ids[0], ids[3]])
        let parked = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT control_id, reason FROM hl7_outbox WHERE parked = 1 ORDER BY id")
                .map { "\($0["control_id"] as String) \($0["reason"] as String)" }
        }
        #expect(parked.count == 2 && parked[0].hasPrefix(ids[0] + " AR") && parked[1].hasPrefix(ids[1] + " AE"))
        #expect(try outbox(store, "hl7:test").count == 2)  // the two parked ones stay for an operator
        await store.close()
    }

    @Test("after a restart delivery resumes from the outbox, with the MSH-10s given before the restart")
    func resumesAfterRestart() async throws {
        let dir = temporaryDirectory("mllp-restart")
        let probe = try MLLPTestReceiver(logPath: dir + "/probe.jsonl")
        let port = probe.port
        probe.stop()
        var before: [String] = []
        do {
            let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
            _ = try HL7Delivery(configuration: fastReceiver(port: port), store: store, logger: Logger(label: "test"))
            store.append(vitals(1...12, bridgeId: store.bridgeId))
            await store.flush()
            before = try outbox(store, "hl7:test")
            await store.close()
        }
        let receiver = try MLLPTestReceiver(port: port, logPath: dir + "/received.jsonl")
        defer { receiver.stop() }
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        let delivery = try HL7Delivery(configuration: fastReceiver(port: port), store: store, logger: Logger(label: "test"))
        let task = Task { await delivery.sender.run() }
        store.append(vitals(13...14, bridgeId: store.bridgeId))
        let got = await receiver.wait(seconds: 180) { $0.count >= 14 }
        delivery.sender.stop()
        await task.value
        #expect(before.count == 12)
        #expect(Array(got.map(\.controlId).prefix(12)) == before)
        #expect(got.count == 14)
        await store.close()
    }
}

@Suite("HL7 outbox bounds")
struct HL7OutboxBoundsTests {
    @Test("undelivered PCD-01 reports past the age limit leave the outbox; alerts never do")
    func expiry() async throws {
        let dir = temporaryDirectory("mllp-expiry")
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        var config = HL7ReceiverConfiguration(name: "nobody", host: "127.0.0.1", port: 9)
        config.maxUndeliveredObservationAgeSeconds = 3600
        _ = try HL7Delivery(configuration: config, store: store, logger: Logger(label: "test"))
        store.append(vitals(1...10, bridgeId: store.bridgeId))  // host times testEpoch + 1…10
        await store.flush()
        #expect(try outbox(store, "hl7:nobody").count == 10)
        // Two hours later: the old PCD-01s go, the old alert phases (seq 5, 6) stay.
        var later = vitals(11...11, bridgeId: store.bridgeId)
        if case .numeric(var r) = later[0].observation {
            r.hostTime = Timestamp(secondsSinceEpoch: testEpoch + 7200)
            r.deviceTime = .utc(r.hostTime)
            later[0].observation = .numeric(r)
        }
        store.append(later)
        await store.flush()
        let kinds = try store.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM hl7_outbox WHERE sink = 'hl7:nobody' ORDER BY id")
        }
        #expect(kinds == ["PCD-04", "PCD-04", "PCD-01"])
        await store.close()
    }
}
