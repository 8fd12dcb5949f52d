import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import GEDatex

/// One key per value: a consumer keys current values on (metric, instance), so no record may carry
/// two numerics under the same key.
@Suite("GE: one key per value in every record")
struct KeyUniquenessTests {
    /// The record streams to check: every real capture, every GE hardware fixture, and the simulator.
    static func streams() throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        if SharedData.available {
            let names = try FileManager.default.contentsOfDirectory(atPath: SharedData.geCaptures.path)
                .filter { $0.hasSuffix(".raw") }.sorted()
            for n in names { out.append((n, try SharedData.bytes(n))) }
        }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("HardwareFixtures/ge-datex")
        for n in (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path))?.filter({ $0.hasSuffix(".bbcap") }).sorted() ?? [] {
            let capture = try CaptureReader.readAll(path: fixtures.appendingPathComponent(n).path).capture
            out.append((n, capture.chunks.filter { $0.direction == .rx }.flatMap(\.bytes)))
        }
        var sim = GEDatexSimulator(configuration: .init())
        var simOut = SimulatorOutput()
        sim.start(now: t0, into: &simOut)
        sim.receive(GEDatexFrameEncoder.frame(record: GEDatexRequest.displayedValues(intervalSeconds: 1, classes: .all, driLevel: 0)),
                    now: t0, into: &simOut)
        for s in 1...400 { sim.tick(now: seconds(Double(s)), into: &simOut) }
        out.append(("simulator", simOut.transmit))
        return out
    }

    @Test("no two numerics of one record share (metric or vendor code, instance)")
    func uniqueKeys() throws {
        let streams = try Self.streams()
        #expect(streams.count >= (SharedData.available ? 5 : 1))
        for (name, bytes) in streams {
            let records = decodeFrames(bytes)
            #expect(!records.isEmpty, "\(name) has records")
            var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
            var out = DriverOutput()
            var checked = 0
            for (k, record) in records.enumerated() {
                // One record per driver call, so each call's numerics are one device record's.
                driver.receive(GEDatexFrameEncoder.frame(record: record.bytes), now: seconds(Double(k)), into: &out)
                var seen: [String: String] = [:]
                for r in out.observations.numerics {
                    let key = "\(r.metric.referenceID ?? r.metric.vendorCode)#\(r.instance)"
                    if let other = seen[key] {
                        Issue.record("\(name) record \(k): \(r.metric.vendorCode) and \(other) share \(key)")
                    }
                    seen[key] = r.metric.vendorCode
                    #expect(r.containment != nil, "\(r.metric.vendorCode) has a containment")
                    #expect(r.unit != nil || r.vendorUnit != nil, "\(r.metric.vendorCode) says its unit")
                    checked += 1
                }
                out.reset()
            }
            #expect(checked > 0, "\(name) produced numerics")
        }
    }

    @Test("the tables give every field a distinct OBX-4 path, and labels that resolve never collide")
    func tableKeys() {
        var paths = Set<String>()
        for specs in GEDatexTables.shared.fields {
            for s in specs { #expect(paths.insert(s.containment.path).inserted, "\(s.vendorCode) path \(s.containment.path) is unique") }
        }
        for w in GEDatexTables.shared.waves.compactMap({ $0 }) {
            #expect(paths.insert(w.containment.path).inserted, "\(w.vendorCode) path \(w.containment.path) is unique")
        }
        // Fixed-metric fields: (metric, instance) unique across the whole table.
        var keys: [String: String] = [:]
        for specs in GEDatexTables.shared.fields {
            for s in specs {
                guard case .fixed = s.rule, let ref = s.metric.referenceID else { continue }
                let key = "\(ref)#\(s.instance)"
                #expect(keys[key] == nil, "\(s.vendorCode) and \(keys[key] ?? "") share \(key)")
                keys[key] = s.vendorCode
            }
        }
    }

    @Test("no field comes out mapped without a numeric code; every unit has an MDC code or is documented as none")
    func mappedHaveCodes() {
        for specs in GEDatexTables.shared.fields {
            for s in specs where s.metric.referenceID != nil {
                #expect(s.metric.code != nil, "\(s.vendorCode) is mapped but has no code")
            }
        }
        for e in ["hr-source", "temp-site", "co2-rr-source", "spo2-slot", "agent", "pressure-family", "ecg-wave-lead"] {
            let map = GEDatexTables.shared.labelMap(e)
            for entry in map.rows.values.flatMap({ $0 }) + map.fallback where entry.referenceID != nil {
                #expect(entry.code != nil, "\(e) \(entry.label) is mapped but has no code")
            }
        }
        for id in ["ge:basic.aa.mac_sum", "ge:ext2.bis.bis", "ge:ext3.aa2.mac_age_sum"] {
            let spec = GEDatexTables.shared.fields.joined().first { $0.vendorCode == id }
            #expect(spec?.metric.isMapped == false, "\(id) is forwarded unmapped")
        }
    }
}
