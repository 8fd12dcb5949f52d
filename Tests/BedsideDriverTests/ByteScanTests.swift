import BedsideDriver
import Testing

@Suite("Scanning for special bytes a word at a time")
struct ByteScanTests {
    /// Every position and every start, against a byte-by-byte search.
    @Test("finds the first special byte wherever it lies, or the end")
    func firstIndex() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200] {
            for _ in 0..<40 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) | 0x01 }
                let specials: [UInt8] = [0x7E, 0x7D, 0xC1]
                var data = bytes.map { specials.contains($0) ? 0x11 : $0 }
                if length > 0, Bool.random() { data[Int.random(in: 0..<length)] = specials.randomElement()! }
                if length > 0, Bool.random() { data[Int.random(in: 0..<length)] = specials.randomElement()! }
                data.withUnsafeBytes { raw in
                    for start in 0...length {
                        let expected = (start..<length).first { specials.contains(data[$0]) } ?? length
                        #expect(ByteScan.firstIndex(of: 0x7E, 0x7D, 0xC1, in: raw, from: start, to: length) == expected)
                        let two = (start..<length).first { data[$0] == 0x7E || data[$0] == 0x7D } ?? length
                        #expect(ByteScan.firstIndex(of: 0x7E, 0x7D, in: raw, from: start, to: length) == two)
                    }
                }
            }
        }
    }

    @Test("the word-at-a-time byte sum equals the plain one", arguments: [0, 1, 7, 8, 9, 511, 512, 513, 4_100, 70_000])
    func byteSum(length: Int) {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 255 - ($0 % 3)) }
        let plain = data.reduce(UInt8(0)) { $0 &+ $1 }
        data.withUnsafeBytes { #expect(ByteScan.byteSum($0) == plain) }
        let full = [UInt8](repeating: 0xFF, count: length)
        full.withUnsafeBytes { #expect(ByteScan.byteSum($0) == full.reduce(UInt8(0)) { $0 &+ $1 }) }
    }
}
