import BedsideModel

/// The header text of a `.bbcap` file: UTF-8 `key=value` lines, readable with `head -c 1000`.
///
/// Values escape `\` as `\\`, line feed as `\n`, carriage return as `\r`, tab as `\t`, and other
/// control characters as `\xHH`, so every value is one line. Readers ignore keys they do not know
/// (later versions may add keys); a known key with a malformed value is an error.
enum CaptureHeaderText {
    static func encode(_ h: CaptureHeader) -> [UInt8] {
        var lines: [(String, String)] = [("start-time", h.startTime.rfc3339)]
        if let v = h.driver { lines.append(("driver", v)) }
        if let v = h.port { lines.append(("port", v)) }
        if let v = h.serialSettings { lines.append(("serial-settings", v.summary)) }
        if let d = h.device {
            lines.append(("device-driver", d.driver))
            lines.append(("device-vendor", d.vendor))
            if let v = d.model { lines.append(("device-model", v)) }
            if let v = d.serialNumber { lines.append(("device-serial-number", v)) }
            if let v = d.softwareVersion { lines.append(("device-software-version", v)) }
            if let v = d.port { lines.append(("device-port", v)) }
            if let v = d.portID { lines.append(("device-port-id", v)) }
            if let v = d.location { lines.append(("device-location", v)) }
        }
        if let v = h.note { lines.append(("note", v)) }
        var out: [UInt8] = []
        for (key, value) in lines {
            out += key.utf8
            out.append(UInt8(ascii: "="))
            escape(value, into: &out)
            out.append(0x0A)
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(CaptureError) -> CaptureHeader {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .corruptHeader(path: path, reason: "header text is not UTF-8")
        }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let eq = line.firstIndex(of: "=") else {
                throw .corruptHeader(path: path, reason: "header line without '=': \(line.prefix(60))")
            }
            let key = String(line[..<eq])
            guard let value = unescape(line[line.index(after: eq)...]) else {
                throw .corruptHeader(path: path, reason: "bad escape in header field \(key)")
            }
            fields[key] = value
        }
        guard let startText = fields["start-time"] else {
            throw .corruptHeader(path: path, reason: "no start-time")
        }
        guard let start = Timestamp(rfc3339: startText) else {
            throw .corruptHeader(path: path, reason: "start-time '\(startText)' is not RFC 3339")
        }
        var settings: SerialSettings?
        if let s = fields["serial-settings"] {
            guard let parsed = SerialSettings(summary: s) else {
                throw .corruptHeader(path: path, reason: "serial-settings '\(s)' is not like '19200 8E1'")
            }
            settings = parsed
        }
        var device: DeviceIdentity?
        if fields["device-driver"] != nil || fields["device-vendor"] != nil {
            device = DeviceIdentity(
                driver: fields["device-driver"] ?? fields["driver"] ?? "", vendor: fields["device-vendor"] ?? "",
                model: fields["device-model"], serialNumber: fields["device-serial-number"],
                softwareVersion: fields["device-software-version"], port: fields["device-port"],
                portID: fields["device-port-id"], location: fields["device-location"])
        }
        return CaptureHeader(
            driver: fields["driver"], serialSettings: settings, port: fields["port"], device: device,
            startTime: start, note: fields["note"])
    }

    static func escape(_ value: String, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x00..<0x20, 0x7F: out += [0x5C, UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
    }

    static func unescape(_ text: Substring) -> String? {
        var out: [UInt8] = []
        var it = Array(text.utf8)[...]
        while let b = it.popFirst() {
            guard b == 0x5C else { out.append(b); continue }
            switch it.popFirst() {
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "x"):
                guard let h = it.popFirst(), let l = it.popFirst(),
                      let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
