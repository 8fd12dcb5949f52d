import BedsideModel

/// Exact decimal arithmetic for wave scaling (sums and products of FLOAT-Type values and integers);
/// only a non-terminating quotient is rounded, to 12 significant digits.
enum DecimalArithmetic {
    /// Both values at the smaller exponent, or `nil` on overflow.
    static func aligned(_ a: DecimalValue, _ b: DecimalValue) -> (Int64, Int64, Int8)? {
        let e = min(a.exponent, b.exponent)
        guard let am = scaled(a.mantissa, by: Int(a.exponent) - Int(e)),
              let bm = scaled(b.mantissa, by: Int(b.exponent) - Int(e)) else { return nil }
        return (am, bm, e)
    }

    static func scaled(_ m: Int64, by digits: Int) -> Int64? {
        var v = m
        for _ in 0..<max(0, digits) {
            let (r, o) = v.multipliedReportingOverflow(by: 10)
            if o { return nil }
            v = r
        }
        return v
    }

    static func subtract(_ a: DecimalValue, _ b: DecimalValue) -> DecimalValue? {
        guard let (am, bm, e) = aligned(a, b) else { return nil }
        let (d, o) = am.subtractingReportingOverflow(bm)
        return o ? nil : DecimalValue(mantissa: d, exponent: e)
    }

    static func multiply(_ a: DecimalValue, by n: Int64) -> DecimalValue? {
        let (m, o) = a.mantissa.multipliedReportingOverflow(by: n)
        return o ? nil : DecimalValue(mantissa: m, exponent: a.exponent)
    }

    /// `a / n`, exact when the quotient terminates within 12 more decimal places, otherwise
    /// rounded half away from zero at 12 significant digits. `exact` says which.
    static func divide(_ a: DecimalValue, by n: Int64) -> (value: DecimalValue, exact: Bool)? {
        guard n != 0 else { return nil }
        var m = a.mantissa, e = Int(a.exponent)
        for _ in 0...12 {
            if m % n == 0 { return (DecimalValue(mantissa: m / n, exponent: Int8(e)).normalized, true) }
            let (r, o) = m.multipliedReportingOverflow(by: 10)
            if o || e - 1 < Int(Int8.min) { break }
            m = r; e -= 1
            if (m / n).magnitude >= 100_000_000_000 { break }  // 12 significant digits reached
        }
        let q = m / n, rem = m % n
        let rounded = (rem.magnitude * 2 >= n.magnitude) ? q + ((m < 0) != (n < 0) ? -1 : 1) : q
        return (DecimalValue(mantissa: rounded, exponent: Int8(e)), false)
    }
}
