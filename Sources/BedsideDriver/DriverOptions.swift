/// One option a driver accepts (`--option name=value`), declared in its ``DriverDescriptor``, so the
/// command line, the configuration file and `bedside drivers` can check and explain it.
public struct DriverOptionSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `on`/`off` (also `true`/`false`, `yes`/`no`, `1`/`0`).
        case flag
        /// A whole number in a range.
        case integer(ClosedRange<Int>)
        /// One of a fixed set of words.
        case choice([String])
        /// A comma-separated subset of a fixed set of words.
        case list([String])
        /// Free text.
        case text
    }

    public var name: String
    public var kind: Kind
    /// One sentence for `bedside drivers`: what it does and when to use it.
    public var help: String
    /// The value in force when the option is not given, as text (`nil`: no default, feature off).
    public var defaultValue: String?

    public init(name: String, kind: Kind, help: String, defaultValue: String? = nil) {
        self.name = name
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
    }

    /// What a value must look like, for error messages and help.
    public var expected: String {
        switch kind {
        case .flag: "on or off"
        case .integer(let r): "a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .choice(let words): "one of \(words.joined(separator: ", "))"
        case .list(let words): "a comma-separated list of \(words.joined(separator: ", "))"
        case .text: "text"
        }
    }

    /// Checks `options` against the driver's declared ones.
    ///
    /// - Throws: ``DriverOptionError`` naming the option, the driver and what is accepted.
    public static func validate(_ options: [String: String], for descriptor: DriverDescriptor) throws(DriverOptionError) {
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let spec = descriptor.options.first(where: { $0.name == name }) else {
                throw .unknown(option: name, driver: descriptor.name, known: descriptor.options.map(\.name))
            }
            guard spec.accepts(value) else {
                throw .malformed(option: name, value: value, driver: descriptor.name, expected: spec.expected)
            }
        }
    }

    public func accepts(_ value: String) -> Bool {
        switch kind {
        case .flag: return DriverOptionSpec.flagValue(value) != nil
        case .integer(let r): return Int(value).map(r.contains) ?? false
        case .choice(let words): return words.contains(value)
        case .list(let words):
            let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return !items.isEmpty && items.allSatisfy(words.contains)
        case .text: return true
        }
    }

    static func flagValue(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }
}

/// A driver option that is not declared, or whose value is not what it accepts.
public enum DriverOptionError: Error, Equatable, CustomStringConvertible {
    case unknown(option: String, driver: String, known: [String])
    case malformed(option: String, value: String, driver: String, expected: String)

    public var description: String {
        switch self {
        case .unknown(let o, let d, let known):
            known.isEmpty
                ? "driver '\(d)' takes no options, but '\(o)' was given; remove it"
                : "driver '\(d)' has no option '\(o)'; it accepts: \(known.joined(separator: ", ")) (`bedside drivers` explains them)"
        case .malformed(let o, let v, let d, let e):
            "option '\(o)=\(v)' of driver '\(d)' is not valid: expected \(e)"
        }
    }
}

extension DriverConfiguration {
    /// The value of a declared flag option (its default when not given).
    public func flag(_ spec: DriverOptionSpec) -> Bool {
        (options[spec.name] ?? spec.defaultValue).flatMap(DriverOptionSpec.flagValue) ?? false
    }

    /// The value of a declared integer option.
    public func integer(_ spec: DriverOptionSpec) -> Int? {
        (options[spec.name] ?? spec.defaultValue).flatMap { Int($0) }
    }

    /// The items of a declared list option (its default when not given; empty when neither).
    public func list(_ spec: DriverOptionSpec) -> [String]? {
        (options[spec.name] ?? spec.defaultValue).map { $0.split(separator: ",").map(String.init) }
    }

    /// The text of a declared choice or text option.
    public func text(_ spec: DriverOptionSpec) -> String? {
        options[spec.name] ?? spec.defaultValue
    }
}
