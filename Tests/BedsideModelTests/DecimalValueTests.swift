import Testing
@testable import BedsideModel

@Suite struct DecimalValueTests {
    @Test func writesExactText() {
        #expect(DecimalValue(raw: 9665, exponent: -2).text == "96.65")
        #expect(DecimalValue(raw: -1, exponent: -2).text == "-0.01")
        #expect(DecimalValue(raw: 37, exponent: 0).text == "37")
        #expect(DecimalValue(raw: 12, exponent: 2).text == "1200")
        #expect(DecimalValue(raw: 0, exponent: -2).text == "0.00")
        #expect(DecimalValue(raw: 7598, exponent: -1).text == "759.8")
        #expect(DecimalValue(mantissa: .min, exponent: -3).text == "-9223372036854775.808")
        #expect(DecimalValue(mantissa: .max, exponent: 0).text == "9223372036854775807")
        #expect(DecimalValue(raw: 5, exponent: -4).text == "0.0005")
    }

    @Test("ordering is exact across exponents, where a Double comparison is not")
    func ordersExactly() {
        // 2^53 + 1 and 2^53 are one apart but equal as Doubles.
        let big = DecimalValue(mantissa: 9_007_199_254_740_993, exponent: 0)
        let bigMinusOne = DecimalValue(mantissa: 90_071_992_547_409_920, exponent: -1)
        #expect(bigMinusOne < big && !(big < bigMinusOne))
        #expect(DecimalValue(raw: 9665, exponent: -2) < DecimalValue(raw: 97, exponent: 0))
        #expect(!(DecimalValue(raw: 9700, exponent: -2) < DecimalValue(raw: 97, exponent: 0)))
        #expect(!(DecimalValue(raw: 97, exponent: 0) < DecimalValue(raw: 9700, exponent: -2)))
        #expect(DecimalValue(raw: -1, exponent: 3) < DecimalValue(raw: -999, exponent: 0))
        #expect(DecimalValue(raw: 3, exponent: -1) < DecimalValue(raw: 31, exponent: -2))
        // So far apart that scaling overflows: still ordered.
        #expect(DecimalValue(mantissa: 1, exponent: -30) < DecimalValue(mantissa: 1, exponent: 30))
        #expect(DecimalValue(mantissa: -5, exponent: 25) < DecimalValue(mantissa: .max, exponent: -10))
    }

    @Test("the feed encoder's digits agree with the plain text and with Swift's own, for every length and sign")
    func encoderDigitsAgree() {
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, .max, .min, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power]
        }
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int64(bitPattern: x) >> Int64(x % 63))
        }
        var mismatches: [String] = []
        for v in values {
            let integer = JSONBytes.withTemporary { b in
                JSONObjectWriter.appendInteger(v, to: &b)
                return String(decoding: b.bytes, as: UTF8.self)
            }
            if integer != String(v) { mismatches.append("\(v) → \(integer)") }
            for e: Int8 in [-20, -5, -2, -1, 0, 2] {
                let d = DecimalValue(mantissa: v, exponent: e)
                let fast = JSONBytes.withTemporary { b in
                    d.appendText(to: &b)
                    return String(decoding: b.bytes, as: UTF8.self)
                }
                if fast != d.text { mismatches.append("\(v)e\(e) → \(fast), not \(d.text)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func parsesText() {
        #expect(DecimalValue("96.65") == DecimalValue(raw: 9665, exponent: -2))
        #expect(DecimalValue("-0.01") == DecimalValue(raw: -1, exponent: -2))
        #expect(DecimalValue("abc") == nil)
        #expect(DecimalValue("9600e-2") == nil)
    }

    @Test func normalizes() {
        #expect(DecimalValue(raw: 9600, exponent: -2).normalized == DecimalValue(raw: 96, exponent: 0))
    }
}
