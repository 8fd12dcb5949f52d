import Foundation
import Testing
@testable import BedsideModel

/// Records of every kind, with the awkward cases: absent values, unmapped codes, escapes.
enum SampleRecords {
    static let device = DeviceIdentity(driver: "ge-datex", vendor: "GE Healthcare", model: "B650",
                                       port: "/dev/ttyUSB0", location: "chair-3")
    static let host = Timestamp(secondsSinceEpoch: 1_532_624_765, nanoseconds: 120_000_000)
    static let dev = Timestamp(secondsSinceEpoch: 1_532_624_765)

    static var all: [FeedRecord] {
        let observations: [Observation] = [
            .numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_SAT_O2", code: 150456, vendorCode: "ge:basic.spo2.spo2"),
                value: DecimalValue(raw: 9665, exponent: -2), unit: "%", state: .valid, deviceTime: dev, hostTime: host)),
            .numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_PRESS_BLD_ART_SYS", code: 150033, vendorCode: "ge:basic.p1.sys"),
                value: nil, unit: "mm[Hg]", state: .absent, reason: "GE control code -32767: no valid data",
                label: "ART", deviceTime: dev, hostTime: host)),
            .numeric(NumericReading(
                metric: .unmapped("intellivue:0x0002:0xf0e5"), value: 12, unit: nil, vendorUnit: "0x1234",
                state: .demo, reason: "demo data", deviceTime: nil, hostTime: host)),
            .waveform(WaveformSegment(
                metric: MetricIdentity(referenceID: "MDC_PULS_OXIM_PLETH", code: 150452, vendorCode: "ge:wave.8"),
                unit: "%", scale: DecimalValue(raw: 1, exponent: -2), samplePeriodNanoseconds: 10_000_000,
                samples: [1200, nil, -5, 1300], deviceTime: dev, hostTime: host)),
            .alarm(AlarmEvent(category: .patient, priority: .high, phase: .active, text: "HR \"HIGH\" 130\n",
                              metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "x"),
                              vendorCode: "0x0200", deviceTime: dev, hostTime: host)),
            .pumpChannel(PumpChannelState(channel: "A", status: .infusing, drug: "ketamine", rate: DecimalValue(raw: 125, exponent: -1),
                                          rateUnit: "mL/h", deviceTime: nil, hostTime: host)),
            .link(LinkEvent(kind: .silent, detail: "no record for 15 s; re-requesting", hostTime: host)),
        ]
        return observations.enumerated().map { FeedRecord(seq: UInt64($0.offset + 1), device: device, observation: $0.element) }
    }
}

@Suite struct FeedJSONTests {
    let writer = FeedJSONWriter()

    @Test func numericLineCarriesEveryRequiredField() throws {
        let line = writer.line(for: SampleRecords.all[0])
        #expect(line.contains(#""value":96.65,"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? String == "1.0")
        #expect(object["seq"] as? Int == 1)
        #expect(object["kind"] as? String == "numeric")
        #expect(object["metric"] as? String == "MDC_PULS_OXIM_SAT_O2")
        #expect(object["code"] as? Int == 150456)
        #expect(object["unit"] as? String == "%")
        #expect(object["state"] as? String == "valid")
        #expect(object["deviceTime"] as? String == "2018-07-26T17:06:05Z")
        #expect(object["hostTime"] as? String == "2018-07-26T17:06:05.120Z")
        let device = try #require(object["device"] as? [String: Any])
        #expect(device["driver"] as? String == "ge-datex")
        #expect(device["location"] as? String == "chair-3")
    }

    @Test func absentValueIsNullWithReason() throws {
        let line = writer.line(for: SampleRecords.all[1])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["value"] is NSNull)
        #expect(object["state"] as? String == "absent")
        #expect(object["reason"] as? String == "GE control code -32767: no valid data")
        #expect(object["label"] as? String == "ART")
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
        let line = writer.line(for: SampleRecords.all[3])
        #expect(line.contains(#""samples":[1200,null,-5,1300]"#))
        #expect(line.contains(#""scale":0.01"#))
    }

    @Test func stringsAreEscaped() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.line(for: SampleRecords.all[4]).utf8)) as? [String: Any])
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
}
