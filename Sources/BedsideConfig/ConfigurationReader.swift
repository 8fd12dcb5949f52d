import Yams

/// Walks the parsed YAML, collecting every problem with its line instead of stopping at the first.
struct ConfigurationReader {
    var issues: [ConfigurationIssue] = []

    static func line(_ node: Node?) -> Int? { node?.mark?.line }

    mutating func fail(_ node: Node?, _ message: String, fix: String) {
        issues.append(ConfigurationIssue(line: Self.line(node), message, fix: fix))
    }

    /// The key/value pairs of a mapping node, or an issue naming what was expected.
    mutating func mapping(_ node: Node, what: String, example: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            fail(node, "\(what) must be a mapping of keys to values", fix: "write it as, for example, \(example)")
            return nil
        }
        var pairs: [(String, Node, Node)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                fail(k, "a key in \(what) is not plain text", fix: "use a plain word as the key")
                continue
            }
            pairs.append((key, k, v))
        }
        return pairs
    }

    /// Refuses keys not in `known`, naming the nearest known one.
    mutating func checkKeys(_ pairs: [(key: String, keyNode: Node, value: Node)], known: [String], in what: String) {
        for p in pairs where !known.contains(p.key) {
            let hint = known.min { editDistance($0, p.key) < editDistance($1, p.key) }
                .flatMap { editDistance($0, p.key) <= 3 ? "did you mean '\($0)'? " : nil } ?? ""
            fail(p.keyNode, "unknown key '\(p.key)' in \(what)",
                 fix: "\(hint)remove it or use one of: \(known.joined(separator: ", "))")
        }
    }

    mutating func text(_ node: Node, key: String) -> String? {
        guard let s = node.scalar?.string, !s.trimmingCharacters().isEmpty else {
            fail(node, "'\(key)' must be a non-empty text value", fix: "give it a value, e.g. \(key): chair-1")
            return nil
        }
        return s
    }

    mutating func integer(_ node: Node, key: String, range: ClosedRange<Int>) -> Int? {
        guard let s = node.scalar?.string, let v = Int(s), range.contains(v) else {
            fail(node, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(node.scalar?.string ?? "a structure")'",
                 fix: "write e.g. \(key): \(range.lowerBound)")
            return nil
        }
        return v
    }

    mutating func seconds(_ node: Node, key: String, range: ClosedRange<Double>) -> Double? {
        guard let s = node.scalar?.string, let v = Double(s), v.isFinite, range.contains(v) else {
            fail(node, "'\(key)' must be a number of seconds from \(formatted(range.lowerBound)) to \(formatted(range.upperBound))",
                 fix: "write e.g. \(key): \(formatted(range.upperBound < 2 ? range.lowerBound : 2))")
            return nil
        }
        return v
    }

    mutating func flag(_ node: Node, key: String) -> Bool? {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(node, "'\(key)' must be true or false", fix: "write \(key): true or \(key): false")
            return nil
        }
    }

    private func formatted(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Levenshtein distance, for "did you mean" hints on misspelt keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
