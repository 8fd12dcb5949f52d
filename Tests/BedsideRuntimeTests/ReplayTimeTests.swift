import Foundation
import Testing

/// Replayed time is never fake: a raw dump has no host timing, and its records must not claim to
/// have been received in 1970. They are dated from the device's own clock (or `--start`), and every
/// replayed record says it was replayed.
@Suite("replayed records are dated honestly and marked replayed")
struct ReplayTimeTests {
    @Test("a raw GE dump is dated from the monitor's clock",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"))
    func rawDumpIsAnchoredAtTheFirstDeviceTime() throws {
        let path = SharedData.capture("ge-datex-s5/b650-db02-pycollect.raw").path
        let result = try BedsideTool.run(["replay", path, "--driver", "ge-datex", "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("dated from the device's clock"))
        let records = result.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count > 100)
        #expect(records.allSatisfy { $0["replayed"] as? Bool == true })
        let hostTimes = records.compactMap { $0["hostTime"] as? String }
        #expect(hostTimes.count == records.count)
        #expect(!hostTimes.contains { $0.hasPrefix("1970") }, "a record dated 1970")
        // The first record with a device time was received at that time (the capture's own clock,
        // 2018-07-26 17:06:05 on the monitor, read as UTC by default for a replay).
        let first = try #require(records.first { ($0["deviceTime"] as? String) != nil && $0["kind"] as? String == "numeric" })
        #expect(first["deviceTime"] as? String == "2018-07-26T17:06:05+00:00")
        #expect((first["hostTime"] as? String)?.hasPrefix("2018-07-26T17:06:05") == true)
        // Same file, same ids: a replay is reproducible and never mistaken for a live bridge.
        let bridgeIds = Set(records.compactMap { $0["bridgeId"] as? String })
        #expect(bridgeIds.count == 1 && bridgeIds.first?.hasPrefix("replay-") == true)
    }

    @Test("--start dates a raw dump as given; a bad --start is refused",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"))
    func startOption() throws {
        let path = SharedData.capture("ge-datex-s5/b650-db02-pycollect.raw").path
        let given = try BedsideTool.run(["replay", path, "--driver", "ge-datex", "--format", "ndjson",
                                         "--start", "2026-12-04T09:30:00+01:00"])
        #expect(given.status == 0, "\(given.stderr)")
        let firstHost = given.lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["hostTime"]
        #expect((firstHost as? String)?.hasPrefix("2026-12-04T08:30:00") == true)
        let bad = try BedsideTool.run(["replay", path, "--driver", "ge-datex", "--start", "yesterday"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("RFC 3339"))
    }

    @Test("--snapshot-interval sets how often current values are re-stated; 0 turns snapshots off",
          .enabled(if: BedsideTool.available && SharedData.available, "needs the built bedside and ../shared/captures"))
    func snapshotInterval() throws {
        let path = SharedData.capture("ge-datex-s5/b650-db02-pycollect.raw").path
        func snapshots(_ extra: [String]) throws -> Int {
            let r = try BedsideTool.run(["replay", path, "--driver", "ge-datex", "--format", "ndjson"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.lines.filter { $0.contains(#""kind":"snapshot""#) }.count
        }
        let byDefault = try snapshots([])
        let every10 = try snapshots(["--snapshot-interval", "10"])
        #expect(byDefault > 0)
        #expect(every10 >= 2 * byDefault, "default \(byDefault), every 10 s \(every10)")
        #expect(try snapshots(["--snapshot-interval", "0"]) == 0)
        let bad = try BedsideTool.run(["replay", path, "--driver", "ge-datex", "--snapshot-interval", "nan"])
        #expect(bad.status == 64 && bad.stderr.contains("--snapshot-interval"))
    }
}
