/// One problem in a configuration file: where, what, and how to fix it.
public struct ConfigurationIssue: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending key or value (`nil` when the file as a whole is wrong).
    public var line: Int?
    public var message: String
    /// What to write instead.
    public var fix: String

    public init(line: Int?, _ message: String, fix: String) {
        self.line = line
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(line.map { "line \($0): " } ?? "")\(message); \(fix)" }
}

/// A configuration file the bridge cannot run with. Every problem found is listed, each with its
/// line and the fix, so one edit fixes them all.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [ConfigurationIssue]

    public init(file: String, issues: [ConfigurationIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let lines = issues.map { issue in
            "\(file):\(issue.line.map { "\($0):" } ?? "") \(issue.message); \(issue.fix)"
        }
        return (issues.count == 1 ? "" : "\(file) has \(issues.count) problems:\n") + lines.joined(separator: "\n")
    }
}
