import Foundation
import Testing
@testable import BedsideModel

/// Records of every kind, with the awkward cases: absent values, unmapped codes, escapes.
enum SampleRecords {
    static let device: DeviceIdentity = {
        var d = DeviceIdentity(driver: "ge-datex", vendor: "GE Healthcare", model: "B650",
                               port: "/dev/ttyUSB0", location: "chair-3", timeZone: "Europe/Berlin")
        d.assignID()
        return d
    }()
    static let host = Timestamp(secondsSinceEpoch: 1_532_624_765, nanoseconds: 120_000_000)
    /// 17:06:05 on the monitor's wall clock in Berlin (summer time, +02:00).
    static let dev = DeviceTime(instant: Timestamp(secondsSinceEpoch: 1_532_624_765 - 7200), utcOffsetSeconds: 7200)
    static let mlPerHour = Quantity(DecimalValue(raw: 125, exponent: -1), unit: "mL/h", unitCode: 265266)

    static var all: [FeedRecord] {
        let spo2 = MetricIdentity(referenceID: "MDC_PULS_OXIM_SAT_O2", code: 150456, vendorCode: "ge:basic.spo2.spo2")
        let channel = PumpChannelState(channel: "A", channelIndex: 1, containment: Containment(vmd: 1, channel: 2, metric: 0),
                                       mode: .primary, status: .infusing, drug: "ketamine",
                                       concentration: Quantity(2, unit: "mg/mL", unitCode: 264306),
                                       programmedRate: mlPerHour, actualRate: mlPerHour,
                                       doseRate: Quantity(DecimalValue(raw: 25, exponent: -2), unit: "mg/kg/h", unitCode: 265650),
                                       volumeToBeInfused: Quantity(50, unit: "mL", unitCode: 263762),
                                       deviceTime: nil, hostTime: host)
        let alarm = AlarmEvent(alarmId: "intellivue:0x0200@1532624765120", phase: .start, category: .physiological,
                               priority: .high, text: "HR \"HIGH\" 130\n",
                               event: MetricIdentity(referenceID: "MDC_EVT_HI", code: 196648, vendorCode: "intellivue:0x0200"),
                               metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "x"),
                               instance: 1, value: Quantity(130, unit: "/min", unitCode: 264864), lowerLimit: 50, upperLimit: 120,
                               flags: [.silenced, .latched], vendorCode: "0x0200", deviceTime: dev, hostTime: host)
        let observations: [Observation] = [
            .numeric(NumericReading(
                metric: spo2, instance: 1, containment: Containment(vmd: 3, channel: 1, metric: 1, vmdCode: 69642, channelCode: 69643),
                value: DecimalValue(raw: 9665, exponent: -2), unit: "%", unitCode: 262688, state: .valid,
                deviceTime: dev, hostTime: host)),
            .numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_PRESS_BLD_ART_SYS", code: 150033, vendorCode: "ge:basic.p1.sys"),
                instance: 1, value: nil, unit: "mm[Hg]", unitCode: 266016, state: .absent,
                reason: "GE control code -32767: no valid data", site: "ART", displayLabel: "P1", deviceTime: dev, hostTime: host)),
            .numeric(NumericReading(
                metric: .unmapped("intellivue:0x0002:0xf0e5"), value: 12, unit: nil, vendorUnit: "0x1234",
                state: .demo, reason: "demo data", deviceTime: nil, hostTime: host)),
            .numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_PRESS_BLD_NONINV_SYS", code: 150021, vendorCode: "ge:basic.nibp.sys"),
                value: 128, unit: "mm[Hg]", unitCode: 266016, state: .stale, reason: "no update for 15 s", mode: "auto",
                episodic: true, deviceTime: dev, hostTime: host, ageNanoseconds: 15_000_000_000)),
            .waveform(WaveformSegment(
                metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_PLETH", code: 150452, vendorCode: "ge:wave.8"),
                unit: "%", unitCode: 262688, scale: DecimalValue(raw: 1, exponent: -2), samplePeriodNanoseconds: 10_000_000,
                samples: [1200, nil, -5, 1300], deviceTime: dev, hostTime: host)),
            .alarm(alarm),
            .pumpChannel(channel),
            .infusionEvent(InfusionEvent(kind: .rateChanged,
                                         event: MetricIdentity(referenceID: "MDC_EVT_PUMP_DELIV_START", code: 197288, vendorCode: "bbraun:status"),
                                         channel: channel, previousRate: Quantity(10, unit: "mL/h", unitCode: 265266),
                                         detail: "rate 10 → 12.5 mL/h", deviceTime: nil, hostTime: host, subdevice: "1/3")),
            .link(LinkEvent(kind: .silent, detail: "no record for 15 s; re-requesting", hostTime: host,
                            clockSkewNanoseconds: -120_000_000)),
            .snapshot(DeviceSnapshot(numerics: [NumericReading(metric: spo2, value: 97, unit: "%", unitCode: 262688, state: .valid,
                                                               deviceTime: dev, hostTime: host, ageNanoseconds: 2_000_000_000)],
                                     activeAlarms: [alarm], pumpChannels: [channel], link: .connected, hostTime: host)),
        ]
        return observations.enumerated().map {
            FeedRecord(seq: UInt64($0.offset + 1), bridgeId: "7f3a9c2e4b1d4e6f", device: device, observation: $0.element)
        }
    }
}

@Suite struct FeedJSONTests {
    let writer = FeedJSONWriter()

    @Test func numericLineCarriesEveryRequiredField() throws {
        let line = writer.line(for: SampleRecords.all[0])
        #expect(line.contains(#""value":96.65,"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? String == "2.0")
        #expect(object["bridgeId"] as? String == "7f3a9c2e4b1d4e6f")
        #expect(object["simulated"] as? Bool == false)
        #expect(object["unitCode"] as? Int == 262688)
        #expect(object["instance"] as? Int == 1)
        #expect((object["containment"] as? [String: Any])?["path"] as? String == "1.3.1.1")
        #expect(object["seq"] as? Int == 1)
        #expect(object["kind"] as? String == "numeric")
        #expect(object["metric"] as? String == "MDC_PULS_OXIM_SAT_O2")
        #expect(object["code"] as? Int == 150456)
        #expect(object["unit"] as? String == "%")
        #expect(object["state"] as? String == "valid")
        #expect(object["deviceTime"] as? String == "2018-07-26T17:06:05+02:00")
        #expect(object["hostTime"] as? String == "2018-07-26T17:06:05.120Z")
        let device = try #require(object["device"] as? [String: Any])
        #expect(device["driver"] as? String == "ge-datex")
        #expect(device["location"] as? String == "chair-3")
        #expect((device["id"] as? String)?.count == 16)
        #expect(device["timeZone"] as? String == "Europe/Berlin")
    }

    @Test func absentValueIsNullWithReason() throws {
        let line = writer.line(for: SampleRecords.all[1])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["value"] is NSNull)
        #expect(object["state"] as? String == "absent")
        #expect(object["reason"] as? String == "GE control code -32767: no valid data")
        #expect(object["site"] as? String == "ART")
        #expect(object["displayLabel"] as? String == "P1")
    }

    @Test func unmappedCodeKeepsVendorCode() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.line(for: SampleRecords.all[2]).utf8)) as? [String: Any])
        #expect(object["mapped"] as? Bool == false)
        #expect(object["metric"] is NSNull)
        #expect(object["vendorCode"] as? String == "intellivue:0x0002:0xf0e5")
        #expect(object["vendorUnit"] as? String == "0x1234")
        #expect(object["deviceTime"] is NSNull)
    }

    @Test func waveformSamplesKeepInvalidAsNull() throws {
        let line = writer.line(for: SampleRecords.all[4])
        #expect(line.contains(#""samples":[1200,null,-5,1300]"#))
        #expect(line.contains(#""scale":0.01"#))
    }

    @Test func stringsAreEscaped() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.line(for: SampleRecords.all[5]).utf8)) as? [String: Any])
        #expect(object["text"] as? String == "HR \"HIGH\" 130\n")
    }

    @Test func everyKindValidatesAgainstThePublishedSchema() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/feed-schema.json")
        let lines = SampleRecords.all.map(writer.line(for:))
        let result = try SchemaValidator.validate(lines: lines, schema: schema)
        #expect(result.failures.isEmpty, "\(result.failures)")
        #expect(result.checked == lines.count)
    }

    @Test func schemaRejectsAValidStateWithoutAValue() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/feed-schema.json")
        var bad = SampleRecords.all[1]
        if case .numeric(var r) = bad.observation { r.state = .valid; bad.observation = .numeric(r) }
        let result = try SchemaValidator.validate(lines: [writer.line(for: bad)], schema: schema)
        #expect(result.failures.count == 1)
    }

    /// The schema is exact: a field the writer adds without documenting it fails validation, so the
    /// published schema and the writer cannot drift apart.
    @Test func schemaRejectsAnUndocumentedField() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/feed-schema.json")
        let line = writer.line(for: SampleRecords.all[0])
        let bad = String(line.dropLast()) + #","label":"ART"}"#
        let result = try SchemaValidator.validate(lines: [line, bad], schema: schema)
        #expect(result.checked == 2)
        #expect(result.failures.count == 1 && result.failures.first?.hasPrefix("line 2") == true, "\(result.failures)")
    }

    @Test func deviceTimeKeepsTheZoneOffsetAndTheInstant() throws {
        let line = writer.line(for: SampleRecords.all[0])
        #expect(line.contains(#""deviceTime":"2018-07-26T17:06:05+02:00""#))
        let parsed = try #require(Timestamp(rfc3339: "2018-07-26T17:06:05+02:00"))
        #expect(parsed == SampleRecords.dev.instant)
    }

    /// Every state and kind is written with its documented name (they are written from literals,
    /// not from the enums' raw values), whichever writer is used.
    @Test(arguments: MeasurementState.allCases)
    func stateAndKindNamesMatchTheModel(state: MeasurementState) throws {
        let encoder = FeedLineEncoder()
        for var record in SampleRecords.all {
            if case .numeric(var r) = record.observation {
                r.state = state
                record.observation = .numeric(r)
            }
            var bytes: [UInt8] = []
            encoder.append(record, to: &bytes)
            for line in [writer.line(for: record), String(decoding: bytes, as: UTF8.self)] {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["kind"] as? String == record.observation.kind)
                if case .numeric = record.observation { #expect(object["state"] as? String == state.rawValue) }
            }
        }
    }

    /// A reading whose descriptor field is changed after it was made writes the new value (the
    /// descriptor's pre-encoded fields follow the change) and leaves other readings that shared
    /// the old descriptor as they were.
    @Test func changingADescriptorFieldChangesOnlyThatReading() throws {
        guard case .numeric(let original) = SampleRecords.all[0].observation else { throw CancellationError() }
        var changed = original
        changed.site = "left ear"
        changed.displayLabel = "SpO2 (ear)"
        #expect(changed.descriptor !== original.descriptor)
        #expect(original.site == nil && changed.site == "left ear")
        var record = SampleRecords.all[0]
        record.observation = .numeric(changed)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.line(for: record).utf8)) as? [String: Any])
        #expect(object["site"] as? String == "left ear")
        #expect(object["displayLabel"] as? String == "SpO2 (ear)")
        var same = original
        same.site = nil
        #expect(same.descriptor === original.descriptor, "setting a field to its value keeps the shared descriptor")
        #expect(same == original && changed != original)
    }

    @Test func everyObservationKindHasASampleRecord() {
        let kinds = Set(SampleRecords.all.map(\.observation.kind))
        #expect(kinds == ["numeric", "waveform", "alarm", "pump-channel", "infusion-event", "link", "snapshot"])
    }
}
