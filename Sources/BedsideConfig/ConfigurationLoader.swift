import BedsideDriver
import Foundation
import Yams

/// Reads and checks the bridge's configuration file.
public enum ConfigurationLoader {
    /// Reads `path`.
    ///
    /// - Throws: ``ConfigurationError`` listing every problem with its line and fix.
    public static func load(path: String, registry: DriverRegistry) throws(ConfigurationError) -> BridgeConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigurationError(file: path, issues: [ConfigurationIssue(
                line: nil, exists ? "cannot be read" : "does not exist",
                fix: exists ? "give the bridge's user read access to it" : "check the path; docs/configuration.md has an example file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, issues: [ConfigurationIssue(line: nil, "is not UTF-8 text", fix: "save it as UTF-8")])
        }
        return try parse(text, file: path, registry: registry)
    }

    /// Parses configuration text; `file` names it in messages.
    public static func parse(_ text: String, file: String, registry: DriverRegistry) throws(ConfigurationError) -> BridgeConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, issues: [yamlIssue(error)])
        } catch {
            throw ConfigurationError(file: file, issues: [ConfigurationIssue(line: nil, "cannot be parsed: \(error)", fix: "check the YAML syntax")])
        }
        var config = BridgeConfiguration(file: file)
        var reader = ConfigurationReader()
        guard let root else {
            throw ConfigurationError(file: file, issues: [ConfigurationIssue(line: nil, "is empty",
                fix: "add a ports: section binding at least one port (docs/configuration.md)")])
        }
        let sections = ConfigurationSection.all
        if let pairs = reader.mapping(root, what: "the file", example: "ports:\n  \(PortBindingReader.example)") {
            for p in pairs {
                guard let section = sections.first(where: { $0.name == p.key }) else {
                    reader.fail(p.keyNode, "unknown section '\(p.key)'",
                                fix: "the sections this bridge knows are: " + sections.map { "\($0.name) (\($0.summary))" }.joined(separator: ", "))
                    continue
                }
                section.read(p.value, &config, &reader, registry)
            }
            if config.store == nil, !pairs.contains(where: { $0.key == "store" }),
               let (section, line) = config.sinkLines.min(by: { $0.value < $1.value }) {
                reader.issues.append(ConfigurationIssue(line: line, "the \(section) section forwards from the store, but there is no store section",
                                                        fix: "add store: { data-dir: /var/lib/bedside } (where records wait until every sink has them)"))
            }
            if !pairs.contains(where: { $0.key == "ports" }) {
                reader.fail(root, "there is no ports section, so the bridge would open nothing",
                            fix: "add ports: with one binding per device (docs/configuration.md)")
            }
        }
        guard reader.issues.isEmpty else { throw ConfigurationError(file: file, issues: reader.issues) }
        return config
    }

    static func yamlIssue(_ error: YamlError) -> ConfigurationIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationIssue(line: mark.line, "is not valid YAML: \(problem)",
                                      fix: "check the indentation and quoting on that line or just above it")
        case .duplicatedKeysInMapping(let duplicates, _):
            return ConfigurationIssue(line: nil, "gives \(duplicates.joined(separator: ", ")) twice in one place",
                                      fix: "keep one of each")
        default:
            return ConfigurationIssue(line: nil, "is not valid YAML: \(error)", fix: "check the YAML syntax")
        }
    }
}
