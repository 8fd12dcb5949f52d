import BedsideConfig
import BedsideDiscovery
import BedsideSerial
import Foundation

/// What `bedside ports` shows: every serial port with its identity and links, the binding that
/// claims it and why, and whether a session holds it; plus bindings by device path, which name
/// ports udev does not list (pseudo-terminals of simulators).
public struct PortListing: Sendable {
    public struct Row: Sendable {
        /// The port as udev describes it (`nil` for a device-path binding udev does not list).
        public var port: SerialPortInfo?
        public var devnode: String
        /// The binding that claims it, with its 1-based number in the file.
        public var binding: PortBinding?
        public var bindingNumber: Int?
        public var status: Status
        /// Which rule matched and why, or why none did.
        public var explanation: String
        /// Who has the port open now.
        public var holder: PortHolder?
    }

    public enum Status: String, Sendable {
        /// Bound; the bridge opens it.
        case bound
        /// No binding names it: listed, never opened.
        case unbound
        /// Its binding also matches other ports; not opened until the binding names one.
        case ambiguous
        /// A device-path binding whose path does not exist now.
        case missing
    }

    public var rows: [Row]
    public var configurationFile: String?

    /// - Parameters:
    ///   - holder: who holds a device node (``PortHolder/current(of:)``; injectable for tests).
    public static func make(ports: [SerialPortInfo], configuration: BridgeConfiguration?,
                            holder: (String) -> PortHolder? = PortHolder.current(of:)) -> PortListing {
        let bindings = configuration?.ports ?? []
        let rules = bindings.map(\.match)
        var rows = PortBindingResolver.resolve(ports: ports, rules: rules).map { decision -> Row in
            let port = decision.port
            var row = Row(port: port, devnode: port.devnode, status: .unbound, explanation: decision.explanation,
                          holder: holder(port.devnode))
            switch decision.outcome {
            case .bound(let rule):
                row.binding = bindings[rule]
                row.bindingNumber = rule + 1
                row.status = .bound
            case .ambiguous(let rule, _):
                row.binding = bindings[rule]
                row.bindingNumber = rule + 1
                row.status = .ambiguous
            case .unbound:
                if configuration == nil { row.explanation = "no configuration given (--config FILE): bindings not checked" }
            }
            return row
        }
        for index in PortBindingResolver.directRules(ports: ports, rules: rules) {
            guard case .devicePath(let path) = rules[index] else { continue }
            let exists = FileManager.default.fileExists(atPath: path)
            rows.append(Row(port: nil, devnode: path, binding: bindings[index], bindingNumber: index + 1,
                            status: exists ? .bound : .missing,
                            explanation: exists ? "binding \(index + 1): device path \(path) (not listed by udev; opened by path)"
                                                : "binding \(index + 1): \(path) does not exist now; the bridge waits for it",
                            holder: exists ? holder(path) : nil))
        }
        return PortListing(rows: rows, configurationFile: configuration?.file)
    }

    /// What a session state means for an engineer reading the list.
    static func sessionText(_ row: Row) -> String {
        if let holder = row.holder {
            return "open by \(holder)"
        }
        switch row.status {
        case .bound: return "closed (the bridge opens it when running)"
        case .unbound, .ambiguous: return "closed"
        case .missing: return "absent"
        }
    }
}
