/// RFC 3339 formatting and parsing for ``Timestamp``, in UTC, without Foundation (it is on the
/// hot path of every feed line).
extension Timestamp {
    /// `2026-11-25T09:52:17.123456Z`: UTC, with as many fractional digits (0, 3, 6 or 9) as needed
    /// to be exact.
    public var rfc3339: String {
        var out = [UInt8]()
        out.reserveCapacity(30)
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the RFC 3339 text to a byte buffer (used by the feed encoder, twice per record:
    /// the text is built on the stack and appended in one go).
    public func appendRFC3339(to out: inout [UInt8]) {
        appendRFC3339(to: &out, utcOffsetSeconds: nil)
    }

    /// Appends the RFC 3339 text of this instant as the wall-clock time at `utcOffsetSeconds` east of
    /// UTC, ending in `+hh:mm`/`-hh:mm` (`Z` when the offset is `nil`). The instant is unchanged:
    /// `2026-03-29T03:30:00+02:00` and `2026-03-29T01:30:00Z` are the same moment.
    public func appendRFC3339(to out: inout [UInt8], utcOffsetSeconds offset: Int32?) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { text in
            let n = formatRFC3339(into: text.baseAddress!, utcOffsetSeconds: offset)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<n]))
        }
    }

    /// Writes the RFC 3339 text (at most 48 bytes) to `text`; returns its length.
    func formatRFC3339(into text: UnsafeMutablePointer<UInt8>, utcOffsetSeconds offset: Int32?) -> Int {
        let fraction = nanosecondsSinceEpoch - secondsSinceEpoch * 1_000_000_000
        let seconds = secondsSinceEpoch + Int64(offset ?? 0)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let dayNumber = secondOfDay < 0 ? days - 1 : days
        let sod = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        let (year, month, day) = Self.civil(fromDays: dayNumber)
        var i = 0
        func digits(_ value: Int64, _ width: Int) {
            var v = value
            for k in stride(from: width - 1, through: 0, by: -1) {
                text[i + k] = UInt8(48 + v % 10)
                v /= 10
            }
            i += width
        }
        func char(_ c: Unicode.Scalar) { text[i] = UInt8(ascii: c); i += 1 }
        digits(year, 4); char("-"); digits(month, 2); char("-"); digits(day, 2)
        char("T"); digits(sod / 3600, 2); char(":"); digits((sod % 3600) / 60, 2); char(":"); digits(sod % 60, 2)
        if fraction != 0 {
            char(".")
            if fraction % 1_000_000 == 0 {
                digits(fraction / 1_000_000, 3)
            } else if fraction % 1_000 == 0 {
                digits(fraction / 1_000, 6)
            } else {
                digits(fraction, 9)
            }
        }
        if let offset {
            // RFC 3339 offsets have minute resolution; a device zone never has seconds here.
            let magnitude = Int64(offset.magnitude) / 60
            char(offset < 0 ? "-" : "+")
            digits(magnitude / 60, 2); char(":"); digits(magnitude % 60, 2)
        } else {
            char("Z")
        }
        return i
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 48); digits += 1 }
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2)
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Self.days(fromCivil: y, mo, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        // A Timestamp spans about 1677–2262; a well-formed date outside it is not representable
        // (and would overflow), so it does not parse.
        guard seconds > Int64.min / 1_000_000_000, seconds < Int64.max / 1_000_000_000 - 1 else { return nil }
        self.init(secondsSinceEpoch: seconds, nanoseconds: nanos)
    }

    /// Days since 1970-01-01 → (year, month, day); Howard Hinnant's civil calendar algorithm.
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    public static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
