import BedsideDiscovery
import BedsideDriver
import BedsideModel
import Yams

/// Reads the `ports` section: a list of bindings.
enum PortBindingReader {
    static let matchKeys = ["serial", "path", "by-id", "device"]
    static let keys = matchKeys + ["interface", "driver", "location", "options", "line", "time-zone", "interval",
                                   "waveforms", "listen-only", "capture", "simulated"]
    static let lineKeys = ["baud", "data-bits", "parity", "stop-bits", "flow"]
    static let example = "- { serial: A50285BI, driver: ge-datex, location: chair-1 }"

    static func readAll(_ node: Node, into reader: inout ConfigurationReader, registry: DriverRegistry) -> [PortBinding] {
        guard case .sequence(let items) = node else {
            reader.fail(node, "'ports' must be a list of bindings, one '-' entry per port", fix: "write ports:\n  \(example)")
            return []
        }
        var bindings: [PortBinding] = []
        for item in items {
            guard let binding = read(item, into: &reader, registry: registry) else { continue }
            if let earlier = bindings.first(where: { $0.match == binding.match }) {
                reader.fail(item, "this binding names the same port as the one on line \(earlier.line) (\(binding.match.summary))",
                            fix: "keep one of the two")
                continue
            }
            if let capture = binding.capture, let earlier = bindings.first(where: { $0.capture == capture }) {
                reader.fail(item, "capture file \(capture) is also used by the binding on line \(earlier.line)",
                            fix: "give each port its own capture file")
                continue
            }
            bindings.append(binding)
        }
        return bindings
    }

    static func read(_ node: Node, into reader: inout ConfigurationReader, registry: DriverRegistry) -> PortBinding? {
        let line = ConfigurationReader.line(node) ?? 0
        guard let pairs = reader.mapping(node, what: "a port binding", example: example) else { return nil }
        let before = reader.issues.count
        reader.checkKeys(pairs, known: keys, in: "a port binding")
        let value = { (key: String) in pairs.first { $0.key == key }?.value }

        let given = pairs.filter { matchKeys.contains($0.key) }
        var match: PortMatch?
        if given.count != 1 {
            reader.fail(given.count > 1 ? given[1].keyNode : node,
                        given.isEmpty ? "this binding does not say which port it is for"
                                      : "this binding names its port in \(given.count) ways (\(given.map(\.key).joined(separator: ", ")))",
                        fix: "give exactly one of serial (the adapter's USB serial number), path (the hub socket, ID_PATH), "
                            + "by-id (a /dev/serial/by-id link) or device (a device path, e.g. a pseudo-terminal); "
                            + "`bedside ports` shows each port's")
        } else if let text = reader.text(given[0].value, key: given[0].key) {
            switch given[0].key {
            case "serial":
                var interface: String?
                if let node = value("interface"), let i = reader.text(node, key: "interface") {
                    if let n = Int(i, radix: 16), (0...255).contains(n) {
                        interface = n < 16 ? "0\(String(n, radix: 16))" : String(n, radix: 16)
                    } else {
                        reader.fail(node, "interface '\(i)' is not a USB interface number", fix: "write it as `bedside ports` shows it, e.g. interface: \"01\"")
                    }
                }
                match = .serialNumber(text, interface: interface)
            case "path": match = .physicalPath(text)
            case "by-id":
                if text.contains("/"), !text.hasPrefix("/dev/serial/by-id/") {
                    reader.fail(given[0].value, "'\(text)' is not a /dev/serial/by-id link",
                                fix: "copy the link from `bedside ports`, or use device: for other paths")
                }
                match = .byIDLink(text)
            default:
                if !text.hasPrefix("/") {
                    reader.fail(given[0].value, "device '\(text)' is not an absolute path", fix: "write the full path, e.g. device: /dev/ttyUSB0")
                }
                match = .devicePath(text)
            }
        }
        if let node = value("interface"), given.first?.key != "serial" {
            reader.fail(node, "'interface' only goes with 'serial'", fix: "remove it; path and by-id already name one interface")
        }

        var driverType: (any DeviceDriver.Type)?
        var driverName = ""
        if let node = value("driver") {
            if let name = reader.text(node, key: "driver") {
                driverName = name
                do { driverType = try registry.driverType(named: name) } catch {
                    reader.fail(node, "there is no driver named '\(name)'",
                                fix: "use one of: \(registry.names.joined(separator: ", ")) (`bedside drivers` lists them)")
                }
            }
        } else {
            reader.fail(node, "this binding has no driver", fix: "add driver: followed by one of \(registry.names.joined(separator: ", "))")
        }

        var location = ""
        if let node = value("location") {
            location = reader.text(node, key: "location") ?? ""
        } else {
            reader.fail(node, "this binding has no location", fix: "add location: with the chair or bed, e.g. location: chair-3")
        }

        guard let match else { return nil }
        var binding = PortBinding(line: line, match: match, driver: driverName, location: location)
        for p in pairs {
            switch p.key {
            case "options":
                binding.options = readOptions(p.value, driver: driverType, into: &reader)
            case "line":
                binding.lineSettings = readLine(p.value, into: &reader)
            case "time-zone": binding.timeZone = TimeZoneCheck.zone(p.value, into: &reader)
            case "interval": binding.intervalSeconds = reader.integer(p.value, key: "interval", range: 1...3600)
            case "waveforms": binding.waveforms = reader.flag(p.value, key: p.key) ?? true
            case "listen-only": binding.listenOnly = reader.flag(p.value, key: p.key) ?? false
            case "capture": binding.capture = reader.text(p.value, key: p.key)
            case "simulated": binding.simulated = reader.flag(p.value, key: p.key) ?? false
            default: break
            }
        }
        return reader.issues.count == before ? binding : nil
    }

    static func readOptions(_ node: Node, driver: (any DeviceDriver.Type)?, into reader: inout ConfigurationReader) -> [String: String] {
        guard let pairs = reader.mapping(node, what: "options", example: "options: { demographics: off }") else { return [:] }
        var options: [String: String] = [:]
        for p in pairs {
            guard let v = reader.text(p.value, key: p.key) else { continue }
            options[p.key] = v
            guard let descriptor = driver?.descriptor else { continue }
            do throws(DriverOptionError) {
                try DriverOptionSpec.validate([p.key: v], for: descriptor)
            } catch {
                switch error {
                case .unknown(_, _, let known):
                    reader.fail(p.keyNode, "driver '\(descriptor.name)' has no option '\(p.key)'",
                                fix: known.isEmpty ? "remove it: this driver takes no options"
                                                   : "use one of: \(known.joined(separator: ", ")) (`bedside drivers` explains them)")
                case .malformed(_, _, _, let expected):
                    reader.fail(p.value, "option '\(p.key): \(v)' of driver '\(descriptor.name)' is not valid",
                                fix: "write \(expected)")
                }
            }
        }
        return options
    }

    static func readLine(_ node: Node, into reader: inout ConfigurationReader) -> LineSettingsOverride {
        var line = LineSettingsOverride()
        guard let pairs = reader.mapping(node, what: "line settings", example: "line: { baud: 19200, parity: even }") else { return line }
        reader.checkKeys(pairs, known: lineKeys, in: "line settings")
        for p in pairs {
            switch p.key {
            case "baud": line.baudRate = reader.integer(p.value, key: "baud", range: 50...4_000_000)
            case "data-bits": line.dataBits = reader.integer(p.value, key: "data-bits", range: 5...8)
            case "stop-bits": line.stopBits = reader.integer(p.value, key: "stop-bits", range: 1...2)
            case "parity":
                line.parity = p.value.scalar.flatMap { SerialSettings.Parity(rawValue: $0.string) }
                if line.parity == nil { reader.fail(p.value, "parity must be none, even or odd", fix: "write e.g. parity: even") }
            case "flow":
                line.flowControl = p.value.scalar.flatMap { SerialSettings.FlowControl(rawValue: $0.string) }
                if line.flowControl == nil { reader.fail(p.value, "flow must be none or rts-cts", fix: "write e.g. flow: rts-cts") }
            default: break
            }
        }
        return line
    }
}
