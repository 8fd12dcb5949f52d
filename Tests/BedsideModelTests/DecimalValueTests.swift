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
