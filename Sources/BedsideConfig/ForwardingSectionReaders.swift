import BedsideFeedService
import BedsideHL7
import BedsideHTTPService
import BedsideMLLP
import BedsideStore
import Yams

/// Reads the forwarding sections: `store` (the durable outbox), `feed` (the live feed service),
/// `http` (WebSocket/SSE, device state, health, metrics) and `hl7` (a list of MLLP receivers).
/// Each section fills the library's own configuration value and is checked by that value's own
/// `validate()`, whose message is reported on the section's line.
enum ForwardingSectionReaders {
    static let storeKeys = ["data-dir", "durability", "retain-hours", "retain-mib", "max-batch", "retention-interval-seconds"]
    static let feedKeys = ["socket", "tcp", "token", "tls-cert", "tls-key", "client-buffer"]
    static let httpKeys = ["listen", "token", "tls-cert", "tls-key", "client-buffer", "device-silence-seconds"]
    static let hl7Keys = ["name", "host", "port", "application", "facility", "receiving-application", "receiving-facility",
                          "point-of-care", "ack-timeout-seconds", "connect-timeout-seconds", "retry-initial-seconds",
                          "retry-max-seconds", "on-error", "on-reject", "max-attempts", "messages",
                          "max-undelivered-observation-hours"]
    static let hl7Example = "- { name: lab-engine, host: 10.1.2.3, port: 2575 }"

    static func readStore(_ node: Node, into reader: inout ConfigurationReader) -> StoreConfiguration? {
        guard let pairs = reader.mapping(node, what: "the store section", example: "store: { data-dir: /var/lib/bedside }") else {
            return nil
        }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: storeKeys, in: "the store section")
        guard let dirNode = pairs.first(where: { $0.key == "data-dir" })?.value else {
            reader.fail(node, "the store section has no data-dir",
                        fix: "add data-dir: with the directory the store keeps its database in, e.g. data-dir: /var/lib/bedside")
            return nil
        }
        guard let dir = reader.text(dirNode, key: "data-dir") else { return nil }
        var store = StoreConfiguration(dataDirectory: dir)
        for p in pairs {
            switch p.key {
            case "durability":
                if let d = p.value.scalar.flatMap({ StoreConfiguration.Durability(rawValue: $0.string) }) {
                    store.durability = d
                } else {
                    reader.fail(p.value, "durability must be power or process",
                                fix: "write durability: power (survives a power cut) or durability: process (survives kill -9)")
                }
            case "retain-hours":
                if isNone(p.value) { store.maxAgeSeconds = nil } else if let h = reader.seconds(p.value, key: p.key, range: 0.01...876_000) {
                    store.maxAgeSeconds = h * 3600
                }
            case "retain-mib":
                if let m = reader.integer(p.value, key: p.key, range: 1...16_777_216) { store.maxBytes = Int64(m) << 20 }
            case "max-batch":
                if let b = reader.integer(p.value, key: p.key, range: 1...100_000) { store.maxBatch = b }
            case "retention-interval-seconds":
                if let s = reader.seconds(p.value, key: p.key, range: 1...86_400) { store.retentionIntervalSeconds = s }
            default: break
            }
        }
        guard reader.issues.count == before else { return nil }
        do { try store.validate() } catch { reader.fail(node, "the store section is not usable: \(error)", fix: "change that setting") }
        return reader.issues.count == before ? store : nil
    }

    static func readFeed(_ node: Node, into reader: inout ConfigurationReader) -> FeedServiceConfiguration? {
        guard let pairs = reader.mapping(node, what: "the feed section", example: "feed: { socket: /run/bedside/feed.sock }") else {
            return nil
        }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: feedKeys, in: "the feed section")
        var feed = FeedServiceConfiguration()
        for p in pairs {
            switch p.key {
            case "socket":
                if let path = reader.text(p.value, key: p.key) {
                    if path.hasPrefix("/") { feed.unixSocketPath = path } else {
                        reader.fail(p.value, "socket '\(path)' is not an absolute path", fix: "write the full path, e.g. socket: /run/bedside/feed.sock")
                    }
                }
            case "tcp":
                if let (host, port) = address(p.value, key: p.key, example: "127.0.0.1:7400", into: &reader) {
                    feed.tcpHost = host
                    feed.tcpPort = port
                }
            case "token": feed.bearerToken = reader.text(p.value, key: p.key)
            case "tls-cert": feed.tlsCertificatePath = reader.text(p.value, key: p.key)
            case "tls-key": feed.tlsKeyPath = reader.text(p.value, key: p.key)
            case "client-buffer":
                if let n = reader.integer(p.value, key: p.key, range: 16...10_000_000) { feed.clientBufferRecords = n }
            default: break
            }
        }
        guard reader.issues.count == before else { return nil }
        if let host = feed.tcpHost, !FeedServiceConfiguration.loopbackHosts.contains(host),
           feed.bearerToken == nil || feed.tlsCertificatePath == nil || feed.tlsKeyPath == nil {
            // Beyond loopback the feed carries patient data over a network: TLS and a token, both.
            reader.fail(node, "the feed's TCP listener on \(host) is beyond loopback, which needs a bearer token and TLS",
                        fix: "add token: (16 characters or more), tls-cert: and tls-key: (PEM files), or listen on tcp: 127.0.0.1:PORT")
            return nil
        }
        do { try feed.validate() } catch {
            reader.fail(node, "\(error)", fix: "feed: takes socket: PATH and/or tcp: HOST:PORT; beyond loopback also token:, tls-cert: and tls-key:")
        }
        return reader.issues.count == before ? feed : nil
    }

    static func readHTTP(_ node: Node, into reader: inout ConfigurationReader) -> HTTPServiceConfiguration? {
        guard let pairs = reader.mapping(node, what: "the http section", example: "http: { listen: 127.0.0.1:7480 }") else {
            return nil
        }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: httpKeys, in: "the http section")
        var http = HTTPServiceConfiguration()
        for p in pairs {
            switch p.key {
            case "listen":
                if let (host, port) = address(p.value, key: p.key, example: "127.0.0.1:7480", into: &reader) {
                    http.host = host
                    http.port = port
                }
            case "token": http.bearerToken = reader.text(p.value, key: p.key)
            case "tls-cert": http.tlsCertificatePath = reader.text(p.value, key: p.key)
            case "tls-key": http.tlsKeyPath = reader.text(p.value, key: p.key)
            case "client-buffer":
                if let n = reader.integer(p.value, key: p.key, range: 16...10_000_000) { http.clientBufferRecords = n }
            case "device-silence-seconds":
                if let s = reader.seconds(p.value, key: p.key, range: 1...86_400) { http.deviceSilenceSeconds = s }
            default: break
            }
        }
        guard reader.issues.count == before else { return nil }
        if !HTTPServiceConfiguration.loopbackHosts.contains(http.host),
           http.bearerToken == nil || http.tlsCertificatePath == nil || http.tlsKeyPath == nil {
            reader.fail(node, "the HTTP service on \(http.host) is beyond loopback, which needs a bearer token and TLS",
                        fix: "add token: (16 characters or more), tls-cert: and tls-key: (PEM files), or listen: 127.0.0.1:PORT")
            return nil
        }
        do { try http.validate() } catch {
            reader.fail(node, "\(error)", fix: "http: takes listen: HOST:PORT; beyond loopback also token:, tls-cert: and tls-key:")
        }
        return reader.issues.count == before ? http : nil
    }

    static func readHL7(_ node: Node, into reader: inout ConfigurationReader) -> [HL7ReceiverConfiguration] {
        guard case .sequence(let items) = node else {
            reader.fail(node, "'hl7' must be a list of receivers, one '-' entry each", fix: "write hl7:\n  \(hl7Example)")
            return []
        }
        var receivers: [(line: Int, receiver: HL7ReceiverConfiguration)] = []
        for item in items {
            guard let receiver = readReceiver(item, into: &reader) else { continue }
            let line = ConfigurationReader.line(item) ?? 0
            if let earlier = receivers.first(where: { $0.receiver.name == receiver.name }) {
                reader.fail(item, "receiver name '\(receiver.name)' is also used by the receiver on line \(earlier.line)",
                            fix: "give each receiver its own name: it names the receiver's outbox and cursor")
                continue
            }
            receivers.append((line, receiver))
        }
        return receivers.map(\.receiver)
    }

    static func readReceiver(_ node: Node, into reader: inout ConfigurationReader) -> HL7ReceiverConfiguration? {
        guard let pairs = reader.mapping(node, what: "an HL7 receiver", example: hl7Example) else { return nil }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: hl7Keys, in: "an HL7 receiver")
        let value = { (key: String) in pairs.first { $0.key == key }?.value }
        var required: [String: Node] = [:]
        for key in ["name", "host", "port"] {
            if let v = value(key) { required[key] = v } else {
                reader.fail(node, "this HL7 receiver has no \(key)",
                            fix: key == "name" ? "add name: naming the receiver (its outbox and cursor keep the name), e.g. name: lab-engine"
                                               : "add \(key): with the receiver's MLLP listener, e.g. host: 10.1.2.3, port: 2575")
            }
        }
        // Read the rest even when a required key is missing, so every problem is reported at once.
        let name = required["name"].flatMap { reader.text($0, key: "name") } ?? ""
        let host = required["host"].flatMap { reader.text($0, key: "host") } ?? ""
        let port = required["port"].flatMap { reader.integer($0, key: "port", range: 1...65535) } ?? 0
        var r = HL7ReceiverConfiguration(name: name, host: host, port: port)
        for p in pairs {
            switch p.key {
            case "application": r.application = reader.text(p.value, key: p.key) ?? r.application
            case "facility": r.facility = reader.text(p.value, key: p.key)
            case "receiving-application": r.receivingApplication = reader.text(p.value, key: p.key)
            case "receiving-facility": r.receivingFacility = reader.text(p.value, key: p.key)
            case "point-of-care": r.pointOfCare = reader.text(p.value, key: p.key) ?? r.pointOfCare
            case "ack-timeout-seconds": r.ackTimeoutSeconds = reader.seconds(p.value, key: p.key, range: 0.1...3600) ?? r.ackTimeoutSeconds
            case "connect-timeout-seconds":
                r.connectTimeoutSeconds = reader.seconds(p.value, key: p.key, range: 0.1...600) ?? r.connectTimeoutSeconds
            case "retry-initial-seconds":
                r.retryInitialSeconds = reader.seconds(p.value, key: p.key, range: 0.01...3600) ?? r.retryInitialSeconds
            case "retry-max-seconds": r.retryMaxSeconds = reader.seconds(p.value, key: p.key, range: 0.01...86_400) ?? r.retryMaxSeconds
            case "on-error": r.onError = ackAction(p.value, key: p.key, into: &reader) ?? r.onError
            case "on-reject": r.onReject = ackAction(p.value, key: p.key, into: &reader) ?? r.onReject
            case "max-attempts": r.maxAttempts = reader.integer(p.value, key: p.key, range: 1...1000) ?? r.maxAttempts
            case "messages": r.kinds = messageKinds(p.value, into: &reader) ?? r.kinds
            case "max-undelivered-observation-hours":
                if isNone(p.value) { r.maxUndeliveredObservationAgeSeconds = nil } else if let h = reader.seconds(p.value, key: p.key, range: 0.01...876_000) {
                    r.maxUndeliveredObservationAgeSeconds = h * 3600
                }
            default: break
            }
        }
        guard reader.issues.count == before else { return nil }
        do { try r.validate() } catch { reader.fail(node, "\(error)", fix: "change that setting of the receiver") }
        return reader.issues.count == before ? r : nil
    }

    /// `HOST:PORT`, with IPv6 hosts in brackets.
    static func address(_ node: Node, key: String, example: String, into reader: inout ConfigurationReader) -> (String, Int)? {
        guard let text = reader.text(node, key: key) else { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              colon != text.startIndex else {
            reader.fail(node, "'\(key): \(text)' is not HOST:PORT", fix: "write e.g. \(key): \(example)")
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    static func ackAction(_ node: Node, key: String, into reader: inout ConfigurationReader) -> HL7ReceiverConfiguration.NegativeAckAction? {
        guard let action = node.scalar.flatMap({ HL7ReceiverConfiguration.NegativeAckAction(rawValue: $0.string) }) else {
            reader.fail(node, "'\(key)' must be retry or park", fix: "write \(key): retry (send again with back-off) or \(key): park")
            return nil
        }
        return action
    }

    static func messageKinds(_ node: Node, into reader: inout ConfigurationReader) -> Set<PCDMessageKind>? {
        let known = PCDMessageKind.allCases.map(\.rawValue)
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.fail(node, "'messages' must be a non-empty list of PCD transactions", fix: "write e.g. messages: [\(known.joined(separator: ", "))]")
            return nil
        }
        var kinds = Set<PCDMessageKind>()
        for item in items {
            if let kind = item.scalar.flatMap({ PCDMessageKind(rawValue: $0.string.uppercased()) }) {
                kinds.insert(kind)
            } else {
                reader.fail(item, "'\(item.scalar?.string ?? "a structure")' is not a PCD transaction this bridge sends",
                            fix: "use \(known.joined(separator: ", "))")
            }
        }
        return kinds
    }

    static func isNone(_ node: Node) -> Bool { node.scalar?.string.lowercased() == "none" }
}
