import BedsideConfig
import BedsideModel
import Foundation

/// Folds a device's feed into a verdict per expectation of a ``VerificationPlan``: the sign-off
/// of `bedside verify`. Pure: records in, results out.
///
/// A metric passes when at least one valid reading arrived and every valid reading lies within
/// the tolerance, with the expected unit. Readings in any other state (demo, invalid, absent,
/// stale, calibrating…) are not measurements: they are counted and named, never compared.
public struct VerificationTally: Sendable {
    public struct Result: Sendable {
        public var expectation: VerificationPlan.Expectation
        public var passed: Bool
        /// Valid readings, in arrival order, as the device sent them.
        public var values: [String]
        public var outside: [String]
        public var otherStates: [MeasurementState: Int]
        public var units: Set<String>
        /// Why it failed, for the report.
        public var reason: String?
    }

    public let plan: VerificationPlan
    private var values: [[(text: String, value: Decimal, unit: String?)]]
    private var otherStates: [[MeasurementState: Int]]
    public private(set) var device: DeviceIdentity?

    public init(plan: VerificationPlan) {
        self.plan = plan
        values = Array(repeating: [], count: plan.expectations.count)
        otherStates = Array(repeating: [:], count: plan.expectations.count)
    }

    public mutating func apply(_ record: FeedRecord) {
        device = record.device
        guard case .numeric(let r) = record.observation else { return }
        for (i, e) in plan.expectations.enumerated() where Self.matches(r, e) {
            if r.state == .valid, let v = r.value, let d = Decimal(string: v.text, locale: Locale(identifier: "en_US_POSIX")) {
                values[i].append((v.text, d, r.unit))
            } else {
                otherStates[i][r.state, default: 0] += 1
            }
        }
    }

    static func matches(_ r: NumericReading, _ e: VerificationPlan.Expectation) -> Bool {
        guard r.metric.referenceID == e.metric || r.metric.vendorCode == e.metric else { return false }
        guard let q = e.qualifier?.lowercased() else { return true }
        return [r.source, r.site, r.displayLabel].contains { $0?.lowercased() == q }
    }

    public var results: [Result] {
        plan.expectations.enumerated().map { i, e in
            let seen = values[i]
            let bounds = e.bounds
            let outside = seen.filter { !bounds.contains($0.value) }.map(\.text)
            let units = Set(seen.compactMap(\.unit))
            var reason: String?
            if seen.isEmpty {
                let others = otherStates[i].sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
                reason = "no valid reading in \(Self.format(plan.seconds)) s" + (others.isEmpty ? "" : " (received: \(others.joined(separator: ", ")))")
            } else if let unit = e.unit, units != [unit] {
                reason = "unit is \(units.sorted().joined(separator: ", ")), expected \(unit)"
            } else if !outside.isEmpty {
                reason = "\(outside.count) of \(seen.count) readings outside \(bounds.lowerBound)…\(bounds.upperBound): "
                    + outside.prefix(5).joined(separator: ", ") + (outside.count > 5 ? ", …" : "")
            }
            return Result(expectation: e, passed: reason == nil, values: seen.map(\.text), outside: outside,
                          otherStates: otherStates[i], units: units, reason: reason)
        }
    }

    public var passed: Bool { results.allSatisfy(\.passed) }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// The sign-off report: what was checked, on which device, and PASS/FAIL per metric.
    public func report(port: String, driver: String, expectations file: String, started: Timestamp, ended: Timestamp) -> String {
        var lines = ["bedside verify: \(port), driver \(driver)"]
        if let d = device {
            let facts = [d.location.map { "location \($0)" }, d.model.map { "model \($0)" }, d.serialNumber.map { "serial \($0)" },
                         d.softwareVersion.map { "software \($0)" }, d.simulated ? "SIMULATED DEVICE" : nil].compactMap { $0 }
            lines.append("device: \(d.vendor)" + (facts.isEmpty ? "" : ", " + facts.joined(separator: ", ")))
        }
        lines.append("expectations: \(file); readings from \(started.rfc3339) to \(ended.rfc3339)")
        let rows = results
        let width = (rows.map { $0.expectation.metric.count + ($0.expectation.qualifier.map { $0.count + 3 } ?? 0) }.max() ?? 0) + 2
        for r in rows {
            let e = r.expectation
            let name = e.metric + (e.qualifier.map { " (\($0))" } ?? "")
            let expected = "expected \(e.value) \(e.tolerance)" + (e.unit.map { " \($0)" } ?? "")
            var line = (r.passed ? "PASS  " : "FAIL  ") + name.padded(to: width) + expected.padded(to: 26)
            if r.passed {
                let sorted = r.values.compactMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }.sorted()
                line += "got \(r.values.last ?? "") (\(r.values.count) reading\(r.values.count == 1 ? "" : "s")"
                    + (sorted.count > 1 ? ", \(sorted.first!)…\(sorted.last!)" : "") + ")"
            } else {
                line += r.reason ?? ""
            }
            lines.append(line)
        }
        let failed = rows.filter { !$0.passed }.count
        lines.append(failed == 0 ? "result: PASS (\(rows.count) of \(rows.count) metrics)"
                                 : "result: FAIL (\(failed) of \(rows.count) metrics failed)")
        return lines.joined(separator: "\n") + "\n"
    }
}
