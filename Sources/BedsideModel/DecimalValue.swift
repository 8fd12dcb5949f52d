/// An exact decimal number: `mantissa × 10^exponent`.
///
/// Devices send scaled integers (GE: `9665` with scale 0.01) or decimal floats (IntelliVue
/// FLOAT-Type: 24-bit mantissa, base-10 exponent). Keeping the pair instead of a `Double` means a
/// value is never rounded on its way to the feed: `96.65` is written as `96.65`, not
/// `96.65000000000001`.
public struct DecimalValue: Hashable, Sendable {
    public var mantissa: Int64
    public var exponent: Int8

    @inlinable
    public init(mantissa: Int64, exponent: Int8 = 0) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    /// `raw` scaled by `10^exponent`, e.g. `DecimalValue(raw: 9665, exponent: -2)` = 96.65.
    @inlinable
    public init(raw: Int, exponent: Int8) {
        self.init(mantissa: Int64(raw), exponent: exponent)
    }

    /// The nearest `Double` (for arithmetic and display only; the feed uses the exact text).
    public var doubleValue: Double {
        var v = Double(mantissa)
        if exponent >= 0 {
            for _ in 0..<Int(exponent) { v *= 10 }
        } else {
            var d = 1.0
            for _ in 0..<Int(-exponent) { d *= 10 }
            v /= d
        }
        return v
    }

    /// The same number with trailing zeros of the mantissa folded into the exponent
    /// (`9600e-2` → `96`); equal values compare equal after normalizing.
    public var normalized: DecimalValue {
        guard mantissa != 0 else { return DecimalValue(mantissa: 0, exponent: 0) }
        var m = mantissa, e = exponent
        while m % 10 == 0, e < Int8.max { m /= 10; e += 1 }
        return DecimalValue(mantissa: m, exponent: e)
    }

    /// Exact JSON/text form: `96.65`, `-0.01`, `37`, `1200` (never exponent notation).
    public var text: String {
        var out = [UInt8]()
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func appendText(to out: inout [UInt8]) {
        // Digits are produced least significant first into a fixed buffer: no allocation, this
        // runs for every value on the feed.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 19 digits of |Int64.min|
        withUnsafeMutableBytes(of: &buffer) { digits in
            var m = mantissa.magnitude
            var count = 0
            repeat {
                digits[count] = UInt8(48 + m % 10)
                m /= 10
                count += 1
            } while m > 0
            if mantissa < 0 { out.append(UInt8(ascii: "-")) }
            if exponent >= 0 {
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(digits[i]) }
                if mantissa != 0 { for _ in 0..<Int(exponent) { out.append(48) } }
                return
            }
            let fractionDigits = Int(-exponent)
            if count <= fractionDigits {
                out.append(48)
                out.append(UInt8(ascii: "."))
                for _ in 0..<(fractionDigits - count) { out.append(48) }
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(digits[i]) }
            } else {
                for i in stride(from: count - 1, through: fractionDigits, by: -1) { out.append(digits[i]) }
                out.append(UInt8(ascii: "."))
                for i in stride(from: fractionDigits - 1, through: 0, by: -1) { out.append(digits[i]) }
            }
        }
    }
}

extension DecimalValue {
    /// The same text as ``appendText(to:)-([UInt8])``, written straight into the feed encoder's buffer.
    func appendText(to out: inout JSONBytes) {
        // Sign, 19 digits, and at most 128 zeros plus "0." from the exponent.
        out.write(upTo: 160) { text in
            var m = mantissa.magnitude
            let count = DecimalDigits.count(m)
            var i = 0
            if mantissa < 0 { text[0] = UInt8(ascii: "-"); i = 1 }
            if exponent >= 0 {
                DecimalDigits.write(m, endingAt: text + i + count)
                i += count
                if mantissa != 0 { for _ in 0..<Int(exponent) { text[i] = 48; i += 1 } }
                return i
            }
            let fractionDigits = Int(-exponent)
            if count <= fractionDigits {
                text[i] = 48; text[i + 1] = UInt8(ascii: "."); i += 2
                for _ in 0..<(fractionDigits - count) { text[i] = 48; i += 1 }
                DecimalDigits.write(m, endingAt: text + i + count)
                return i + count
            }
            // Integer digits, the point, then `fractionDigits` digits: filled from the end.
            let end = i + count + 1
            var k = end
            for _ in 0..<fractionDigits { k -= 1; text[k] = UInt8(48 + m % 10); m /= 10 }
            k -= 1; text[k] = UInt8(ascii: ".")
            DecimalDigits.write(m, endingAt: text + k)
            return end
        }
    }
}

extension DecimalValue: CustomStringConvertible {
    public var description: String { text }
}

extension DecimalValue: Comparable {
    /// Exact: the mantissas are compared at a common exponent (through `Double` only when scaling
    /// one would overflow, i.e. the two differ by more than Int64 can span, where a `Double`
    /// comparison is exact enough to order them). Range checks run this for every value.
    public static func < (lhs: DecimalValue, rhs: DecimalValue) -> Bool {
        if lhs.exponent == rhs.exponent { return lhs.mantissa < rhs.mantissa }
        if let (a, b) = aligned(lhs, rhs) { return a < b }
        return lhs.doubleValue < rhs.doubleValue
    }

    /// Both mantissas at the smaller of the two exponents, or `nil` when that overflows.
    private static func aligned(_ lhs: DecimalValue, _ rhs: DecimalValue) -> (Int64, Int64)? {
        var a = lhs.mantissa, b = rhs.mantissa
        var steps = Int(lhs.exponent) - Int(rhs.exponent)
        while steps > 0 {
            let (m, overflow) = a.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            a = m
            steps -= 1
        }
        while steps < 0 {
            let (m, overflow) = b.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            b = m
            steps += 1
        }
        return (a, b)
    }
}

extension DecimalValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(mantissa: value, exponent: 0) }
}

extension DecimalValue {
    /// Parses plain decimal text such as `96.65`, `-0.01` or `37` exactly.
    public init?(_ text: String) {
        var mantissa: Int64 = 0
        var exponent: Int8 = 0
        var negative = false
        var seenDot = false
        var seenDigit = false
        for (i, c) in text.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "+") where i == 0: break
            case UInt8(ascii: ".") where !seenDot: seenDot = true
            case 48...57:
                let (mul, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (sum, o2) = mul.addingReportingOverflow(Int64(c - 48))
                guard !o1, !o2 else { return nil }
                mantissa = sum
                seenDigit = true
                if seenDot { exponent -= 1 }
            default: return nil
            }
        }
        guard seenDigit else { return nil }
        self.init(mantissa: negative ? -mantissa : mantissa, exponent: exponent)
    }
}
