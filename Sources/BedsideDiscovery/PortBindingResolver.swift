/// Decides which binding rule, if any, each port belongs to.
///
/// Per port the most specific matching rule wins (``PortMatch/rank``). A rule that would win on
/// several ports (a serial number without an interface on a multi-port adapter) binds none of
/// them: which port is which chair is then unknowable, and guessing could put one chair's values
/// under another's name.
public enum PortBindingResolver {
    /// The outcome for one port.
    public struct Decision: Hashable, Sendable {
        public enum Outcome: Hashable, Sendable {
            /// Bound to the rule at this index of the rules given.
            case bound(rule: Int)
            /// No rule names this port: it is listed, never opened.
            case unbound
            /// The winning rule also wins elsewhere; nothing is opened.
            case ambiguous(rule: Int, otherPorts: [String])
        }

        public var port: SerialPortInfo
        public var outcome: Outcome
        /// Why, in words: which fact matched, which rules lost and why.
        public var explanation: String

        public var boundRule: Int? {
            if case .bound(let r) = outcome { return r }
            return nil
        }
    }

    /// - Parameters:
    ///   - ports: the ports present.
    ///   - rules: each binding's match, in configuration order.
    public static func resolve(ports: [SerialPortInfo], rules: [PortMatch]) -> [Decision] {
        let winners: [Int?] = ports.map { port in
            let matching = rules.indices.filter { rules[$0].matches(port) }
            // Highest rank first; between equal ranks (duplicates the configuration refuses), the earlier rule.
            return matching.max { a, b in rules[a].rank != rules[b].rank ? rules[a].rank < rules[b].rank : a > b }
        }
        return ports.indices.map { i in
            let port = ports[i]
            guard let rule = winners[i] else {
                return Decision(port: port, outcome: .unbound, explanation: "no binding names this port; it is not opened")
            }
            let others = ports.indices.filter { $0 != i && winners[$0] == rule }.map { ports[$0].devnode }
            if !others.isEmpty {
                return Decision(port: port, outcome: .ambiguous(rule: rule, otherPorts: others), explanation:
                    "binding \(rule + 1) (\(rules[rule].summary)) also matches \(others.joined(separator: ", ")); "
                    + "name the interface (interface: \"\(port.interfaceNumber ?? "00")\") or bind by path or by-id link; not opened")
            }
            var text = "binding \(rule + 1): \(rules[rule].reason(for: port))"
            let losers = rules.indices.filter { $0 != rule && rules[$0].matches(port) }
            if !losers.isEmpty {
                text += "; more specific than " + losers.map { "binding \($0 + 1) (\(rules[$0].summary))" }.joined(separator: ", ")
            }
            return Decision(port: port, outcome: .bound(rule: rule), explanation: text)
        }
    }

    /// Rules that name no present port by device path, to be opened by path directly (ptys and
    /// other ports udev does not list).
    public static func directRules(ports: [SerialPortInfo], rules: [PortMatch]) -> [Int] {
        rules.indices.filter { i in
            guard case .devicePath = rules[i] else { return false }
            return !ports.contains { rules[i].matches($0) }
        }
    }
}
