import BedsideModel
import BedsideTestSupport
import Foundation
import Testing
@testable import BedsideRuntime

@Suite("Sinks")
struct SinkTests {
    let device = DeviceIdentity(driver: "toy", vendor: "Toy Medical", model: "T1", port: "/dev/ttyA", location: "chair-1")

    @Test("NDJSON: one parseable line per record, in seq order, through a pipe")
    func ndjsonThroughPipe() async throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "ndjson")
        let source = bus.addSource(identity: device)
        let writer = BlockingFileWriter(fd: fds[1])
        let sink = Task { try await NDJSONSink(writer: writer).run(subscription) }
        source.publish([numeric(72), numeric(73)])
        source.publish(.link(LinkEvent(kind: .connected, hostTime: Timestamp(secondsSinceEpoch: 1))))
        bus.finish()
        let stats = try await sink.value
        await writer.close()
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readToEndRetryingInterrupts()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")  // every line ends with a newline
        let objects = try lines.dropLast().map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(stats.linesWritten == 3)
        #expect(objects.map { $0["seq"] as? Int } == [1, 2, 3])
        #expect(objects.map { $0["kind"] as? String } == ["numeric", "numeric", "link"])
        #expect((objects[0]["value"] as? NSNumber)?.intValue == 72)
        #expect((objects[0]["device"] as? [String: Any])?["location"] as? String == "chair-1")
        #expect(objects[2]["event"] as? String == "connected")
    }

    @Test("NDJSON: a closed reader ends the sink with readerClosed")
    func ndjsonReaderGone() async throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        signal(SIGPIPE, SIG_IGN)
        close(fds[0])
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "ndjson")
        let source = bus.addSource(identity: device)
        let writer = BlockingFileWriter(fd: fds[1])
        let sink = Task { try await NDJSONSink(writer: writer).run(subscription) }
        // Keep publishing until the sink notices; the writer reports EPIPE on a later write.
        var thrown: (any Error)?
        for n in 0..<10_000 {
            source.publish(numeric(Int64(n)))
            if n % 100 == 99 {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        bus.finish()
        do { _ = try await sink.value } catch { thrown = error }
        #expect(thrown as? BlockingFileWriter.WriteError == .readerClosed)
        await writer.close()
        close(fds[1])
    }

    @Test("live table keeps the latest value per metric, alarms and link state")
    func liveTableModel() throws {
        var model = LiveTableModel()
        let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
        func record(_ seq: UInt64, _ o: Observation) -> FeedRecord { FeedRecord(seq: seq, device: device, observation: o) }
        let hr = MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147_842, vendorCode: "toy:hr")
        let raw = MetricIdentity.unmapped("toy:0x99")
        model.apply(record(1, .link(LinkEvent(kind: .connected, hostTime: t0))))
        model.apply(record(2, .numeric(NumericReading(metric: hr, value: DecimalValue("72.50"), unit: "/min",
                                                      state: .valid, deviceTime: nil, hostTime: t0))))
        model.apply(record(3, .numeric(NumericReading(metric: raw, value: nil, unit: nil, vendorUnit: "0x12",
                                                      state: .absent, reason: "no sensor", deviceTime: nil,
                                                      hostTime: t0))))
        model.apply(record(4, .numeric(NumericReading(metric: hr, value: DecimalValue("73"), unit: "/min",
                                                      state: .valid, deviceTime: nil, hostTime: t0.adding(seconds: 1)))))
        model.apply(record(5, .alarm(AlarmEvent(alarmId: "hr-high@1", phase: .start, category: .physiological, priority: .high, text: "HR HIGH",
                                                deviceTime: nil, hostTime: t0))))
        model.apply(.gap(FeedGap(droppedRecords: 2, firstSeq: 6, lastSeq: 7)))
        try #require(model.devices.count == 1)
        let d = model.devices[0]
        #expect(d.metrics.count == 2)
        #expect(d.metrics[0].value == "73")
        #expect(d.metrics[1].value == nil && d.metrics[1].state == .absent && d.metrics[1].unit == "(0x12)")
        #expect(d.activeAlarms.count == 1)
        #expect(model.droppedRecords == 2)

        let lines = LiveTableRenderer().lines(for: model, now: t0.adding(seconds: 3))
        let text = lines.joined(separator: "\n")
        #expect(text.contains("chair-1"))
        #expect(text.contains("link: connected 3.0s ago"))
        #expect(text.contains("ALARM high physiological: HR HIGH"))
        #expect(!text.contains("SIMULATED"))  // a real device is never labelled simulated
        #expect(text.contains("2 dropped by this display"))
        let hrLine = try #require(lines.first { $0.contains("MDC_ECG_HEART_RATE") })
        #expect(hrLine.contains("73") && hrLine.contains("/min") && hrLine.contains("valid") && hrLine.contains("2.0s"))
        #expect(!text.contains("toy:0x99"))  // absent metrics are counted, not listed, by default
        #expect(text.contains("(1 more metric reported absent)"))
        let all = LiveTableRenderer(showAbsent: true).lines(for: model, now: t0.adding(seconds: 3))
        let rawLine = try #require(all.first { $0.contains("toy:0x99") })
        #expect(rawLine.contains("(unmapped)") && rawLine.contains("absent (no sensor)") && rawLine.contains("—"))

        model.apply(record(8, .alarm(AlarmEvent(alarmId: "hr-high@1", phase: .end, category: .physiological, priority: .high, text: "HR HIGH",
                                                deviceTime: nil, hostTime: t0))))
        #expect(model.devices[0].activeAlarms.isEmpty)
    }

    @Test("live table: a wave row goes stale when the link is lost, and valid again with the next segment")
    func liveTableWavesGoStale() throws {
        var model = LiveTableModel()
        let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
        func record(_ seq: UInt64, _ o: Observation) -> FeedRecord { FeedRecord(seq: seq, device: device, observation: o) }
        func wave(_ at: Timestamp) -> Observation {
            .waveform(WaveformSegment(metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_PLETH", code: 150_452, vendorCode: "toy:pleth"),
                                      unit: nil, scale: 1, samplePeriodNanoseconds: 8_000_000, samples: [1, 2, 3],
                                      deviceTime: nil, hostTime: at))
        }
        model.apply(record(1, .link(LinkEvent(kind: .connected, hostTime: t0))))
        model.apply(record(2, wave(t0)))
        #expect(model.devices[0].metrics[0].state == .valid)
        model.apply(record(3, .link(LinkEvent(kind: .silent, hostTime: t0.adding(seconds: 5)))))
        let row = model.devices[0].metrics[0]
        #expect(row.state == .stale && row.reason?.contains("link silent") == true, "\(row)")
        let text = LiveTableRenderer().lines(for: model, now: t0.adding(seconds: 6)).joined(separator: "\n")
        #expect(text.contains("stale"))
        model.apply(record(4, .link(LinkEvent(kind: .connected, hostTime: t0.adding(seconds: 7)))))
        model.apply(record(5, wave(t0.adding(seconds: 7))))
        #expect(model.devices[0].metrics[0].state == .valid)
    }

    @Test("live table: a simulated device says SIMULATED; alarms are kept by alarmId across updates")
    func liveTableSimulatedAndAlarmIds() throws {
        var model = LiveTableModel()
        let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
        var sim = device
        sim.simulated = true
        func alarm(_ id: String, _ phase: AlarmEvent.Phase, _ text: String, flags: AlarmEvent.Flags = []) -> Observation {
            .alarm(AlarmEvent(alarmId: id, phase: phase, category: .technical, priority: .medium, text: text,
                              flags: flags, deviceTime: nil, hostTime: t0))
        }
        model.apply(FeedRecord(seq: 1, device: sim, observation: alarm("a@1", .start, "LEADS OFF")))
        model.apply(FeedRecord(seq: 2, device: sim, observation: alarm("b@2", .start, "SPO2 PROBE")))
        // Same condition text, a new instance: a separate alarm.
        model.apply(FeedRecord(seq: 3, device: sim, observation: alarm("a@3", .start, "LEADS OFF")))
        model.apply(FeedRecord(seq: 4, device: sim, observation: alarm("a@1", .update, "LEADS OFF", flags: .silenced)))
        model.apply(FeedRecord(seq: 5, device: sim, observation: alarm("b@2", .end, "SPO2 PROBE")))
        let d = try #require(model.devices.first)
        #expect(d.alarmOrder == ["a@1", "a@3"])
        #expect(d.activeAlarms["a@1"]?.flags == .silenced)
        let lines = LiveTableRenderer().lines(for: model, now: t0)
        #expect(lines[0].contains("SIMULATED"))
        let header = try #require(lines.first { $0.contains("chair-1") })
        #expect(header.hasPrefix("SIMULATED"))
        #expect(lines.filter { $0.contains("ALARM") } == [
            "  ALARM medium technical: LEADS OFF (silenced)", "  ALARM medium technical: LEADS OFF",
        ])
    }
}

@Suite("Live table layout")
struct LiveTableLayoutTests {
    @Test("a frame taller or wider than the terminal is cut, saying how much is hidden")
    func fitToWindow() {
        let lines = (1...30).map { "line \($0) " + String(repeating: "x", count: 100) }
        let fitted = LiveTableSink.fit(lines, into: (rows: 10, columns: 40))
        #expect(fitted.count == 9)  // one row stays free so the cursor never scrolls the frame
        #expect(fitted.last?.hasPrefix("… 22 more lines: enlarge the window") == true)
        #expect(fitted.dropLast().allSatisfy { $0.count == 40 && $0.hasSuffix("…") })
        #expect(LiveTableSink.fit(lines, into: nil) == lines)
    }

    @Test("wave rates are exact to 0.1 Hz")
    func waveRates() {
        #expect(LiveTableModel.rate(periodNanoseconds: 16_000_000) == "62.5")
        #expect(LiveTableModel.rate(periodNanoseconds: 3_333_333) == "300")
        #expect(LiveTableModel.rate(periodNanoseconds: 2_000_000) == "500")
    }
}
