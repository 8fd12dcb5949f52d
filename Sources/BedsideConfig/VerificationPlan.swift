import BedsideModel
import Foundation
import Yams

/// What `bedside verify` expects from a device, read from a YAML file: per metric the value the
/// patient simulator is set to and the tolerance, e.g.
///
/// ```yaml
/// seconds: 90
/// expect:
///   - { metric: MDC_ECG_HEART_RATE, value: 80, tolerance: 2, unit: /min }
///   - { metric: MDC_PULS_OXIM_SAT_O2, value: 97, tolerance: 1 }
///   - { metric: MDC_PRESS_BLD_NONINV_SYS, value: 120, tolerance: 5% }
/// ```
public struct VerificationPlan: Hashable, Sendable {
    public struct Expectation: Hashable, Sendable {
        /// MDC reference id (`MDC_ECG_HEART_RATE`) or the driver's vendor code (`ge:basic.ecg.hr`).
        public var metric: String
        /// Only readings with this source, site or label (`ECG`, `pleth`), when given.
        public var qualifier: String?
        public var value: Decimal
        /// Allowed distance from `value`, in the metric's unit, or in percent of `value`.
        public var tolerance: Tolerance
        /// The UCUM unit readings must carry, when given.
        public var unit: String?
        public var line: Int

        public var bounds: ClosedRange<Decimal> {
            let delta: Decimal
            switch tolerance {
            case .absolute(let d): delta = d
            case .percent(let p): delta = abs(value) * p / 100
            }
            return (value - delta)...(value + delta)
        }
    }

    public enum Tolerance: Hashable, Sendable, CustomStringConvertible {
        case absolute(Decimal)
        case percent(Decimal)

        public var description: String {
            switch self {
            case .absolute(let d): "±\(d)"
            case .percent(let p): "±\(p) %"
            }
        }
    }

    /// How long to collect readings (the file's `seconds`, default 60).
    public var seconds: Double
    public var expectations: [Expectation]

    public static let keys = ["seconds", "expect"]
    public static let expectationKeys = ["metric", "source", "value", "tolerance", "unit"]

    /// Reads an expectations file.
    ///
    /// - Throws: ``ConfigurationError`` with every problem's line and fix.
    public static func load(path: String) throws(ConfigurationError) -> VerificationPlan {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, issues: [ConfigurationIssue(line: nil, "cannot be read", fix: "check the path")])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> VerificationPlan {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigurationError(file: file, issues: [ConfigurationLoader.yamlIssue(error)])
        } catch {
            throw ConfigurationError(file: file, issues: [ConfigurationIssue(line: nil, "cannot be parsed: \(error)", fix: "check the YAML syntax")])
        }
        var reader = ConfigurationReader()
        var plan = VerificationPlan(seconds: 60, expectations: [])
        let example = "expect:\n  - { metric: MDC_ECG_HEART_RATE, value: 80, tolerance: 2 }"
        guard let root, let pairs = reader.mapping(root, what: "the expectations file", example: example) else {
            throw ConfigurationError(file: file, issues: reader.issues.isEmpty
                ? [ConfigurationIssue(line: nil, "is empty", fix: "write, for example:\n\(example)")] : reader.issues)
        }
        reader.checkKeys(pairs, known: keys, in: "the expectations file")
        for p in pairs {
            switch p.key {
            case "seconds": plan.seconds = reader.seconds(p.value, key: "seconds", range: 1...3600) ?? 60
            case "expect":
                guard case .sequence(let items) = p.value else {
                    reader.fail(p.value, "'expect' must be a list, one '-' entry per metric", fix: "write \(example)")
                    continue
                }
                for item in items {
                    if let e = expectation(item, into: &reader) { plan.expectations.append(e) }
                }
            default: break
            }
        }
        if plan.expectations.isEmpty, reader.issues.isEmpty {
            reader.fail(root, "expects nothing", fix: "list the metrics to check under expect:")
        }
        guard reader.issues.isEmpty else { throw ConfigurationError(file: file, issues: reader.issues) }
        return plan
    }

    static func expectation(_ node: Node, into reader: inout ConfigurationReader) -> Expectation? {
        guard let pairs = reader.mapping(node, what: "an expectation", example: "{ metric: MDC_ECG_HEART_RATE, value: 80, tolerance: 2 }") else {
            return nil
        }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: expectationKeys, in: "an expectation")
        let value = { (key: String) in pairs.first { $0.key == key }?.value }
        var metric = "", number: Decimal = 0, tolerance = Tolerance.absolute(0)
        for required in ["metric", "value", "tolerance"] where value(required) == nil {
            reader.fail(node, "this expectation has no \(required)", fix: "add \(required): (e.g. metric: MDC_ECG_HEART_RATE, value: 80, tolerance: 2)")
        }
        if let n = value("metric") { metric = reader.text(n, key: "metric") ?? "" }
        if let n = value("value") {
            if let d = decimal(n.scalar?.string) { number = d } else {
                reader.fail(n, "value must be a number", fix: "write e.g. value: 97")
            }
        }
        if let n = value("tolerance"), let text = n.scalar?.string {
            if text.hasSuffix("%"), let p = decimal(String(text.dropLast()).trimmingCharacters()), p >= 0 {
                tolerance = .percent(p)
            } else if let d = decimal(text), d >= 0 {
                tolerance = .absolute(d)
            } else {
                reader.fail(n, "tolerance must be a number (in the metric's unit) or a percentage", fix: "write e.g. tolerance: 2 or tolerance: 5%")
            }
        }
        guard reader.issues.count == before else { return nil }
        return Expectation(metric: metric, qualifier: value("source").flatMap { reader.text($0, key: "source") }, value: number,
                           tolerance: tolerance, unit: value("unit").flatMap { reader.text($0, key: "unit") },
                           line: ConfigurationReader.line(node) ?? 0)
    }

    static func decimal(_ text: String?) -> Decimal? {
        guard let text, !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }) else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
