/// Where a quadruple belongs: the ComDevice itself (`50100`) or a pump at pillar × slot.
///
/// Two address forms occur (pumps.md §1.1): `501xy` with `y` = `1`…`9`, `A`…`O` (10…24), and the
/// six-character form with a two-digit decimal slot (`501110` = `5011A`) that BCC 3.30 sometimes sends.
public struct BCCAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 1…3; 0 for the ComDevice.
    public var pillar: Int
    /// 1…24; 0 for the ComDevice.
    public var slot: Int

    public init(pillar: Int, slot: Int) {
        self.pillar = pillar
        self.slot = slot
    }

    public static let comDevice = BCCAddress(pillar: 0, slot: 0)
    public var isComDevice: Bool { pillar == 0 && slot == 0 }

    /// Parses either address form; `nil` for anything else.
    public init?<C: Collection>(text: C) where C.Element == UInt8 {
        let b = Array(text)
        guard b.count == 5 || b.count == 6, b[0] == UInt8(ascii: "5"), b[1] == UInt8(ascii: "0"), b[2] == UInt8(ascii: "1"),
              (48...51).contains(b[3]) else { return nil }
        let pillar = Int(b[3] - 48)
        var slot: Int
        if b.count == 5 {
            switch b[4] {
            case 48...57: slot = Int(b[4] - 48)
            case UInt8(ascii: "A")...UInt8(ascii: "O"): slot = Int(b[4] - UInt8(ascii: "A")) + 10
            default: return nil
            }
        } else {
            guard (48...57).contains(b[4]), (48...57).contains(b[5]) else { return nil }
            slot = Int(b[4] - 48) * 10 + Int(b[5] - 48)
            guard slot <= 24 else { return nil }
        }
        // Pillar 0 only with slot 0 (the ComDevice), and a pump needs both.
        guard (pillar == 0) == (slot == 0) else { return nil }
        self.init(pillar: pillar, slot: slot)
    }

    /// The five-character form (`5011A`).
    public var text: String {
        let slotCharacter = slot < 10 ? String(slot) : String(UnicodeScalar(UInt8(ascii: "A") + UInt8(slot - 10)))
        return "501\(pillar)\(slotCharacter)"
    }

    /// The subdevice key of the pump on the feed (`pillar1/slot3`).
    public var subdevice: String { "pillar\(pillar)/slot\(slot)" }

    /// The `xy` of `MEM:GETSLOT#xy`.
    public var slotRequestSuffix: String { String(text.dropFirst(3)) }

    public var description: String { isComDevice ? "ComDevice" : "pillar \(pillar) slot \(slot)" }

    public static func < (a: BCCAddress, b: BCCAddress) -> Bool { (a.pillar, a.slot) < (b.pillar, b.slot) }
}

/// A parameter's value as sent: a value, "no value" (`_NV`), or "temporarily unavailable" (`_NA`).
public enum BCCValue: Hashable, Sendable {
    case text(String)
    /// `_NV`: the pump has no value for this parameter (not zero).
    case noValue
    /// `_NA` (BCC 3.36): temporarily unavailable, e.g. while data is being synchronised.
    case notAvailable

    init(raw: String) {
        switch raw {
        case "_NV": self = .noValue
        case "_NA": self = .notAvailable
        default: self = .text(raw)
        }
    }

    public var text: String? { if case .text(let t) = self { t } else { nil } }
}

/// One `time,address,parameter[,value]` quadruple of an answer.
public struct BCCQuadruple: Hashable, Sendable {
    /// Seconds since the ComDevice was switched on (a relative clock).
    public var time: Int64
    public var address: BCCAddress
    public var parameter: String
    /// `nil` when the quadruple has three fields (`ADMIN:VERSION`'s answer).
    public var value: BCCValue?

    public init(time: Int64, address: BCCAddress, parameter: String, value: BCCValue?) {
        self.time = time
        self.address = address
        self.parameter = parameter
        self.value = value
    }

    /// Splits an information field into quadruples at `<RS>`. A record that is not a quadruple
    /// (time not decimal, bad address, empty parameter) is returned in `rejected` and never read.
    public static func parse(_ information: [UInt8]) -> (records: [BCCQuadruple], rejected: [String]) {
        var records: [BCCQuadruple] = []
        var rejected: [String] = []
        for part in information.split(separator: BCCFraming.recordSeparator, omittingEmptySubsequences: true) {
            if let q = BCCQuadruple(record: part) { records.append(q) } else {
                rejected.append(String(decoding: part, as: UTF8.self))
            }
        }
        return (records, rejected)
    }

    /// Splits on the first three commas only: a value may contain commas.
    init?(record: ArraySlice<UInt8>) {
        var fields: [ArraySlice<UInt8>] = []
        var start = record.startIndex
        var i = record.startIndex
        while i < record.endIndex, fields.count < 3 {
            if record[i] == UInt8(ascii: ",") {
                fields.append(record[start..<i])
                start = i + 1
            }
            i += 1
        }
        let rest = record[start..<record.endIndex]
        guard fields.count >= 2 else { return nil }
        guard !fields[0].isEmpty, fields[0].count <= 18, fields[0].allSatisfy({ (48...57).contains($0) }),
              let time = Int64(String(decoding: fields[0], as: UTF8.self)) else { return nil }
        guard let address = BCCAddress(text: fields[1]) else { return nil }
        let parameterBytes = fields.count == 3 ? fields[2] : rest
        guard !parameterBytes.isEmpty,
              parameterBytes.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") })
        else { return nil }
        self.time = time
        self.address = address
        self.parameter = String(decoding: parameterBytes, as: UTF8.self)
        if fields.count == 3 {
            var value = String(decoding: rest, as: UTF8.self)
            // GNMODEL values may end with <CR> (S1); trimmed from any value.
            if value.hasSuffix("\r") { value.removeLast() }
            self.value = BCCValue(raw: value)
        } else {
            self.value = nil
        }
    }
}
