/// The MIB/RS232 frame check sequence: CRC-16/X.25 (the PPP FCS-16 of RFC 1662).
///
/// Polynomial 0x1021 processed LSB-first (0x8408), initial value 0xffff, result one's-complemented
/// and sent low byte first. Running the CRC over the header, the data and the received FCS leaves
/// the fixed residue ``goodResidue`` when the frame is intact.
public enum IntelliVueFCS {
    /// Register value after a frame and its correct FCS have been fed through ``update(_:_:)``.
    public static let goodResidue: UInt16 = 0xf0b8
    /// The register's starting value.
    public static let initial: UInt16 = 0xffff

    /// Feeds one byte into the CRC register.
    @inline(__always)
    public static func update(_ crc: UInt16, _ byte: UInt8) -> UInt16 {
        (crc >> 8) ^ table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)]
    }

    /// The FCS to transmit for `bytes` (already one's-complemented; send low byte first).
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc = initial
        for b in bytes { crc = update(crc, b) }
        return ~crc
    }

    /// The FCS to transmit for `bytes` (already one's-complemented; send low byte first).
    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static let table: [UInt16] = (0..<256).map { index -> UInt16 in
        var v = UInt16(index)
        for _ in 0..<8 { v = (v & 1) != 0 ? (v >> 1) ^ 0x8408 : v >> 1 }
        return v
    }
}
