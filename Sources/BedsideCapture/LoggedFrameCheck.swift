/// The MIB/RS232 frame check sequence of a logged IntelliVue frame (CRC-16/X.25, the PPP FCS-16
/// of RFC 1662), so the log reader can tell an intact frame from one a flipped bit or a logger's
/// lost bytes spoiled, and report it, instead of passing it on silently. The driver's frame layer
/// checks it again; this copy only exists because the capture module does not depend on the
/// IntelliVue driver.
enum LoggedFrameCheck {
    /// Register value after an intact frame and its FCS.
    static let goodResidue: UInt16 = 0xf0b8

    /// Whether `frame` (`0xC0`, escaped bytes, `0xC1`) carries a valid FCS over its unescaped
    /// content and is long enough to hold one.
    static func isIntact(_ frame: UnsafeRawBufferPointer) -> Bool {
        guard frame.count >= 4, frame.first == 0xc0, frame.last == 0xc1 else { return false }
        var crc: UInt16 = 0xffff
        var unescaped = 0
        var escaping = false
        for b in frame[1..<(frame.count - 1)] {
            if escaping {
                crc = update(crc, b ^ 0x20)
                escaping = false
                unescaped += 1
            } else if b == 0x7d {
                escaping = true
            } else {
                crc = update(crc, b)
                unescaped += 1
            }
        }
        return !escaping && unescaped >= 2 && crc == goodResidue
    }

    @inline(__always)
    static func update(_ crc: UInt16, _ byte: UInt8) -> UInt16 {
        (crc >> 8) ^ table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)]
    }

    /// Reflected polynomial 0x8408, one entry per byte value.
    static let table: [UInt16] = (0..<256).map { index -> UInt16 in
        var c = UInt16(index)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x8408 : c >> 1 }
        return c
    }
}
