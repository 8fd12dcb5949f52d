/// One "ASCII 1" line, checked against the grammar and split into its fields, values still as text
/// (monitors.md C.2): `MM/DD/YY HH:MM:SS` then space-separated `KEY=value` fields.
public struct MasimoLine: Equatable, Sendable {
    /// The device clock's reading (two-digit year taken as 20YY; no zone on the wire).
    public struct ClockReading: Equatable, Sendable {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    public var time: ClockReading
    /// The fields in line order, keys unique.
    public var fields: [(key: String, value: String)]

    public static func == (a: MasimoLine, b: MasimoLine) -> Bool {
        a.time == b.time && a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public func value(_ key: String) -> String? { fields.first { $0.key == key }?.value }

    /// Why a line was rejected.
    public enum Rejection: Error, Equatable, Sendable {
        /// Not a time stamp where the line must start (also: a line cut short and joined to the next).
        case badTimeStamp
        /// The time stamp's numbers are not a date and time (month 13, 25:00 …).
        case impossibleTime
        /// A field is not `KEY=value` with an upper-case key and printable value.
        case badField(String)
        case duplicateField(String)
        /// A byte outside printable ASCII.
        case nonPrintable
        case noFields

        public var counter: String {
            switch self {
            case .badTimeStamp: "lines.bad-time-stamp"
            case .impossibleTime: "lines.impossible-time"
            case .badField: "lines.bad-field"
            case .duplicateField: "lines.duplicate-field"
            case .nonPrintable: "lines.non-printable"
            case .noFields: "lines.no-fields"
            }
        }
    }

    /// Parses a line (without CR LF).
    public static func parse(_ bytes: [UInt8]) throws(Rejection) -> MasimoLine {
        for b in bytes where b < 0x20 || b > 0x7E { throw .nonPrintable }
        guard bytes.count >= 17 else { throw .badTimeStamp }
        func digits(_ at: Int) -> Int? {
            let a = bytes[at], b = bytes[at + 1]
            guard (48...57).contains(a), (48...57).contains(b) else { return nil }
            return Int(a - 48) * 10 + Int(b - 48)
        }
        guard let month = digits(0), bytes[2] == UInt8(ascii: "/"), let day = digits(3), bytes[5] == UInt8(ascii: "/"),
              let yy = digits(6), bytes[8] == UInt8(ascii: " "), let hour = digits(9), bytes[11] == UInt8(ascii: ":"),
              let minute = digits(12), bytes[14] == UInt8(ascii: ":"), let second = digits(15)
        else { throw .badTimeStamp }
        let year = 2000 + yy
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
              second < 60 else { throw .impossibleTime }
        guard bytes.count == 17 || bytes[17] == UInt8(ascii: " ") else { throw .badTimeStamp }
        // The device ends a line right after its last value; trailing blanks mean damage (a digit
        // turned into a space, which would silently shorten the value before it).
        guard let last = bytes.last, last != 0x20 else { throw .badField("trailing blank") }

        var fields: [(key: String, value: String)] = []
        // Exactly one space between fields: a digit turned into a space must not split a value in
        // two quietly (`BPM=240` → `BPM=24 `), so an empty token is damage.
        for token in bytes[17...].dropFirst().split(separator: 0x20, omittingEmptySubsequences: false) {
            guard !token.isEmpty else { throw .badField("two spaces") }
            guard let eq = token.firstIndex(of: UInt8(ascii: "=")) else { throw .badField(String(decoding: token, as: UTF8.self)) }
            let key = token[token.startIndex..<eq]
            let value = token[(eq + 1)...]
            guard let first = key.first, (65...90).contains(first),
                  key.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) }), key.count <= 16,
                  !value.isEmpty, !value.contains(UInt8(ascii: "="))
            else { throw .badField(String(decoding: token, as: UTF8.self)) }
            let k = String(decoding: key, as: UTF8.self)
            guard !fields.contains(where: { $0.key == k }) else { throw .duplicateField(k) }
            fields.append((k, String(decoding: value, as: UTF8.self)))
        }
        guard !fields.isEmpty else { throw .noFields }
        return MasimoLine(time: ClockReading(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
                          fields: fields)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A field value as the grammar of monitors.md C.2 reads it.
public enum MasimoFieldValue: Equatable, Sendable {
    /// A number, exactly as printed (leading zeros and sign dropped into the value).
    case number(DecimalText)
    /// Every digit position filled with `-`: the device has no value.
    case absent
    /// Neither: digits and dashes mixed, letters, several points.
    case malformed

    /// The printed number's parts, so the model's ``BedsideModel/DecimalValue`` is built by the caller.
    public struct DecimalText: Equatable, Sendable {
        public var text: Substring
        public var percent: Bool
    }

    /// `098%`, `03.60%`, `-02`, `+--`, `--.-%`, `---`: optional sign, digits or dashes with at most
    /// one point, optional `%`.
    public init(_ raw: String) {
        var body = Substring(raw)
        var percent = false
        if body.hasSuffix("%") { body = body.dropLast(); percent = true }
        var digits = body
        if let f = digits.first, f == "+" || f == "-", digits.count > 1 { digits = digits.dropFirst() }
        var points = 0, dashes = 0, numerals = 0
        for c in digits.utf8 {
            switch c {
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-"): dashes += 1
            case 48...57: numerals += 1
            default: self = .malformed; return
            }
        }
        guard points <= 1, numerals + dashes > 0 else { self = .malformed; return }
        if dashes > 0 {
            self = numerals == 0 ? .absent : .malformed
            return
        }
        self = .number(DecimalText(text: body, percent: percent))
    }
}

/// A hexadecimal bit field (`ALARM=0000`, `EXC=000820`).
enum MasimoHex {
    /// The value of 1–8 hex digits, or `nil`.
    static func parse(_ text: String) -> UInt32? {
        guard (1...8).contains(text.utf8.count),
              text.utf8.allSatisfy({ (48...57).contains($0) || (65...70).contains($0) || (97...102).contains($0) })
        else { return nil }
        return UInt32(text, radix: 16)
    }
}
