import BedsideDriver
import Yams

/// The top-level sections the file may have. Adding a section (a store, a feed server, HL7
/// receivers) is one entry here plus a field in ``BridgeConfiguration``; anything else at the top
/// level is refused with the list of known sections.
public struct ConfigurationSection: Sendable {
    /// The top-level key, e.g. `ports`.
    public let name: String
    /// One line for error messages and docs.
    public let summary: String
    let read: @Sendable (Node, inout BridgeConfiguration, inout ConfigurationReader, DriverRegistry) -> Void
}

extension ConfigurationSection {
    /// Every section the bridge understands, in the order the docs present them.
    public static let all: [ConfigurationSection] = [.bridge, .ports, .store, .feed, .http, .hl7]

    static let bridge = ConfigurationSection(name: "bridge", summary: "service-wide settings") { node, config, reader, _ in
        config.bridge = BridgeSettingsReader.read(node, into: &reader)
    }

    static let ports = ConfigurationSection(name: "ports", summary: "port bindings") { node, config, reader, registry in
        config.ports = PortBindingReader.readAll(node, into: &reader, registry: registry)
    }
}

extension ConfigurationSection {
    static let store = ConfigurationSection(name: "store", summary: "the durable record store forwarding reads from") { node, config, reader, _ in
        config.store = ForwardingSectionReaders.readStore(node, into: &reader)
    }

    static let feed = ConfigurationSection(name: "feed", summary: "the live feed service (Unix socket, TCP)") { node, config, reader, _ in
        config.feed = ForwardingSectionReaders.readFeed(node, into: &reader)
        config.sinkLines["feed"] = ConfigurationReader.line(node)
    }

    static let http = ConfigurationSection(name: "http", summary: "WebSocket/SSE feed, device state, health, metrics") { node, config, reader, _ in
        config.http = ForwardingSectionReaders.readHTTP(node, into: &reader)
        config.sinkLines["http"] = ConfigurationReader.line(node)
    }

    static let hl7 = ConfigurationSection(name: "hl7", summary: "HL7 receivers (IHE PCD over MLLP)") { node, config, reader, _ in
        config.hl7 = ForwardingSectionReaders.readHL7(node, into: &reader)
        config.sinkLines["hl7"] = ConfigurationReader.line(node)
    }
}

enum BridgeSettingsReader {
    static let keys = ["time-zone", "exclusive", "retry-seconds", "snapshot-seconds"]

    static func read(_ node: Node, into reader: inout ConfigurationReader) -> BridgeSettings {
        var settings = BridgeSettings()
        guard let pairs = reader.mapping(node, what: "the bridge section", example: "bridge: { time-zone: Europe/Berlin }") else {
            return settings
        }
        reader.checkKeys(pairs, known: keys, in: "the bridge section")
        for p in pairs {
            switch p.key {
            case "time-zone": settings.timeZone = TimeZoneCheck.zone(p.value, into: &reader)
            case "exclusive": settings.exclusive = reader.flag(p.value, key: p.key) ?? true
            case "retry-seconds": settings.retrySeconds = reader.seconds(p.value, key: p.key, range: 0.1...3600) ?? 2
            case "snapshot-seconds": settings.snapshotSeconds = reader.seconds(p.value, key: p.key, range: 0...86400)
            default: break
            }
        }
        return settings
    }
}
