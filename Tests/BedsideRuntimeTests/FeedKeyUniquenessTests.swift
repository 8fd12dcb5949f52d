import Foundation
import Testing

/// One key per value: replaying every real capture and every recorded fixture, no device reading
/// carries two numerics with the same (metric, instance). A daemon keyed on the metric would
/// otherwise see a value flip between two sources (SpO2 100 and the absent second module's null).
///
/// A "reading" is what one device record produced: numerics of one device with the same host time
/// and device time. Re-statements (stale marks and snapshots, which carry `ageNs`) are not readings.
@Suite("feed keys are unique per device reading", .serialized)
struct FeedKeyUniquenessTests {
    /// Real captures (file, driver for raw dumps) and the recorded fixtures.
    static let inputs: [(path: String, driver: String?)] = {
        var list: [(String, String?)] = []
        let shared = SharedData.folder.appendingPathComponent("captures")
        let kinds = [("ge-datex-s5", ".raw", "ge-datex"), ("intellivue-mp70", ".log", "intellivue")]
        for (folder, suffix, driver) in kinds {
            let dir = shared.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for n in names.sorted() where n.hasSuffix(suffix) { list.append((dir.appendingPathComponent(n).path, driver)) }
        }
        let fixtures = BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures")
        let walker = FileManager.default.enumerator(atPath: fixtures.path)
        for case let n as String in walker?.allObjects ?? [] where n.hasSuffix(".bbcap") {
            list.append((fixtures.appendingPathComponent(n).path, nil))
        }
        return list
    }()

    @Test("every real capture and fixture", .enabled(if: BedsideTool.available, "build the bedside product first"))
    func noTwoNumericsOfOneReadingShareAKey() throws {
        if !SharedData.available {
            Issue.record("../shared/captures is absent: only the recorded fixtures were checked")
        }
        var checkedFiles = 0, totalNumerics = 0
        for input in Self.inputs {
            var args = ["replay", input.path, "--format", "ndjson", "--accept-partial"]
            if let d = input.driver { args += ["--driver", d] }
            var result = try BedsideTool.run(args)
            if result.stderr.contains("accept-partial") || result.stderr.contains("Unknown option") {
                args.removeAll { $0 == "--accept-partial" }
                result = try BedsideTool.run(args)
            }
            let name = URL(fileURLWithPath: input.path).lastPathComponent
            var numerics = 0
            var seen: [String: Set<String>] = [:]
            var duplicates: [String] = []
            for line in result.stdout.split(separator: "\n") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      object["kind"] as? String == "numeric", object["ageNs"] == nil else { continue }
                numerics += 1
                let device = (object["device"] as? [String: Any])?["id"] as? String ?? "?"
                let reading = "\(device)|\(object["hostTime"] ?? "")|\(object["deviceTime"] ?? "null")"
                let key = "\((object["metric"] as? String) ?? (object["vendorCode"] as? String) ?? "?")#\(object["instance"] ?? "?")"
                if !seen[reading, default: []].insert(key).inserted, duplicates.count < 5 {
                    duplicates.append("\(key) twice at \(reading)")
                }
            }
            totalNumerics += numerics
            #expect(duplicates.isEmpty, "\(name): \(duplicates.joined(separator: "; "))")
            checkedFiles += 1
        }
        // 4 GE dumps, 4 IntelliVue logs (one holds only static data) and the recorded fixtures.
        #expect(checkedFiles >= (SharedData.available ? 11 : 3))
        #expect(totalNumerics > 10_000)
    }
}
