import BedsideConfig
import BedsideDiscovery
import Foundation

extension PortListing {
    /// The listing for a person: one block per port.
    public func text() -> String {
        if rows.isEmpty {
            return "no serial ports found (USB adapters plugged in? `dmesg` shows what the kernel saw)\n"
        }
        var out = ""
        for row in rows {
            out += row.devnode + "\n"
            if let p = row.port {
                out += "  adapter   \(p.adapterSummary)\n"
                if let serial = p.serialNumber {
                    out += "  serial    \(serial)" + (p.interfaceNumber.map { "  interface \($0)" } ?? "") + "\n"
                } else if let i = p.interfaceNumber {
                    out += "  interface \(i)\n"
                }
                if let path = p.physicalPath { out += "  path      \(path)\n" }
                for link in p.byIDLinks { out += "  by-id     \(link)\n" }
                for link in p.byPathLinks { out += "  by-path   \(link)\n" }
            }
            switch row.status {
            case .bound, .missing:
                if let b = row.binding {
                    out += "  binding   \(b.location) → \(b.driver)  (\(row.explanation))\n"
                }
            case .ambiguous:
                out += "  binding   AMBIGUOUS: \(row.explanation)\n"
            case .unbound:
                out += "  binding   none: \(row.explanation)\n"
            }
            out += "  session   \(Self.sessionText(row))\n"
        }
        return out
    }

    /// The listing as one JSON document (stable key order), for scripts.
    public func json() -> String {
        let ports: [[String: Any]] = rows.map { row in
            var o: [String: Any] = ["devnode": row.devnode, "status": row.status.rawValue, "explanation": row.explanation,
                                    "session": Self.sessionText(row)]
            if let p = row.port {
                var identity: [String: Any] = ["sysPath": p.sysPath, "byId": p.byIDLinks, "byPath": p.byPathLinks]
                identity["vendorId"] = p.vendorID
                identity["modelId"] = p.modelID
                identity["vendor"] = p.vendorName
                identity["model"] = p.modelName
                identity["serial"] = p.serialNumber
                identity["interface"] = p.interfaceNumber
                identity["path"] = p.physicalPath
                identity["usbDriver"] = p.usbDriver
                identity["bus"] = p.bus
                o["identity"] = identity
            }
            if let b = row.binding, let n = row.bindingNumber {
                o["binding"] = ["number": n, "line": b.line, "location": b.location, "driver": b.driver,
                                "rule": b.match.summary] as [String: Any]
            }
            if let h = row.holder {
                var holder: [String: Any] = ["pid": Int(h.pid)]
                holder["command"] = h.command
                o["heldBy"] = holder
            }
            return o
        }
        var root: [String: Any] = ["ports": ports]
        root["configuration"] = configurationFile
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
