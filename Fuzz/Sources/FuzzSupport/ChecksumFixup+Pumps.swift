extension ChecksumFixup {
    /// Every `<SOH> … <EOT>` piece (unstuffed) with its length field and checksum rewritten to be
    /// correct, so mutations reach the BCC quadruple parser and the pump normalization.
    public static func bbraunBCC(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        var frame: [UInt8]?
        for b in input {
            if b == 0x01 { frame = [b]; continue }
            guard frame != nil else { continue }
            frame!.append(b)
            if b == 0x04 {
                var f = frame!
                frame = nil
                // <SOH> LLLLL … <ETX|ETB> CCCCC <EOT>: at least the five digits on each side.
                guard f.count >= 13, f.count <= 99_999 else { continue }
                write(f.count, into: &f, at: 1)
                let n = f.count
                if f[n - 7] != 0x03 && f[n - 7] != 0x17 { f[n - 7] = 0x03 }
                var sum = 0
                for x in f[0..<(n - 6)] { sum = (sum + Int(x)) & 0xFF }
                write(sum, into: &f, at: n - 6)
                out += f
            }
        }
        return out
    }

    /// Every `! … <CR>` piece with its `|CCCC` CRC-16/CCITT-FALSE rewritten (added when missing).
    public static func alarisAsena(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        var body: [UInt8]?
        for b in input {
            switch b {
            case UInt8(ascii: "!"): body = []
            case 0x0D:
                if var inner = body {
                    if inner.count >= 5, inner[inner.count - 5] == UInt8(ascii: "|") { inner.removeLast(5) }
                    var crc: UInt16 = 0xFFFF
                    for x in inner {
                        crc ^= UInt16(x) << 8
                        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
                    }
                    let hex = Array("0123456789ABCDEF".utf8)
                    out += [UInt8(ascii: "!")] + inner + [UInt8(ascii: "|"), hex[Int(crc >> 12)], hex[Int((crc >> 8) & 0xF)],
                                                         hex[Int((crc >> 4) & 0xF)], hex[Int(crc & 0xF)], 0x0D]
                }
                body = nil
            default:
                body?.append(b)
            }
        }
        return out
    }

    private static func write(_ value: Int, into f: inout [UInt8], at index: Int) {
        var v = value
        for i in stride(from: index + 4, through: index, by: -1) {
            f[i] = UInt8(48 + v % 10)
            v /= 10
        }
    }
}
