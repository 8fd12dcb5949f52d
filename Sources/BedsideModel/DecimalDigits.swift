/// Decimal digits of an unsigned magnitude, for the feed encoder: counted by comparison and
/// written two at a time from the end. Integers (waveform samples above all) are most of what the
/// feed writes, and a division per digit, twice (once to count, once to write), was its largest cost.
enum DecimalDigits {
    /// "00", "01" … "99" in one run of bytes (a literal: no lazy initialisation to check).
    @inline(__always)
    static var pairs: UnsafePointer<UInt8> {
        ("00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899" as StaticString).utf8Start
    }

    /// How many digits `m` has (1 for 0); at most 19, the digits of `Int64.min.magnitude`.
    @inline(__always)
    static func count(_ m: UInt64) -> Int {
        var n = 1
        var limit: UInt64 = 10
        while n < 19, m >= limit {
            n += 1
            limit &*= 10
        }
        return n
    }

    /// Writes all of `m`'s digits so that the last one is just before `end`.
    @inline(__always)
    static func write(_ m: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) {
        var m = m
        var p = end
        let pairs = Self.pairs
        while m >= 100 {
            let r = Int(truncatingIfNeeded: m % 100)
            m /= 100
            p -= 2
            p[0] = pairs[2 &* r]
            p[1] = pairs[2 &* r &+ 1]
        }
        if m >= 10 {
            let r = Int(truncatingIfNeeded: m)
            p -= 2
            p[0] = pairs[2 &* r]
            p[1] = pairs[2 &* r &+ 1]
        } else {
            p -= 1
            p[0] = UInt8(truncatingIfNeeded: 48 &+ m)
        }
    }
}
