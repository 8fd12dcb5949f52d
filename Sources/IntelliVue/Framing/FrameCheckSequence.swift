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

    /// Sixteen tables for up to sixteen bytes per step (slicing-by-16): `slices[k * 256 + i]` is the
    /// register after byte `i` followed by `k` zero bytes. One byte at a time, each step waits for
    /// the previous table lookup; sixteen independent lookups per sixteen bytes run in parallel.
    static let slices: [UInt16] = {
        var t = table + [UInt16](repeating: 0, count: 15 * 256)
        for k in 1..<16 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return t
    }()

    /// The register after the sixteen bytes `lo` then `hi` (each in wire order, little-endian).
    @inline(__always)
    static func step16(_ crc: UInt16, _ lo: UInt64, _ hi: UInt64, slices t: UnsafeBufferPointer<UInt16>) -> UInt16 {
        let x = lo ^ UInt64(crc)
        let a = t[3840 + Int(x & 0xff)] ^ t[3584 + Int((x >> 8) & 0xff)] ^ t[3328 + Int((x >> 16) & 0xff)]
            ^ t[3072 + Int((x >> 24) & 0xff)]
        let b = t[2816 + Int((x >> 32) & 0xff)] ^ t[2560 + Int((x >> 40) & 0xff)] ^ t[2304 + Int((x >> 48) & 0xff)]
            ^ t[2048 + Int(x >> 56)]
        let c = t[1792 + Int(hi & 0xff)] ^ t[1536 + Int((hi >> 8) & 0xff)] ^ t[1280 + Int((hi >> 16) & 0xff)]
            ^ t[1024 + Int((hi >> 24) & 0xff)]
        let d = t[768 + Int((hi >> 32) & 0xff)] ^ t[512 + Int((hi >> 40) & 0xff)] ^ t[256 + Int((hi >> 48) & 0xff)]
            ^ t[Int(hi >> 56)]
        return a ^ b ^ c ^ d
    }

    /// The register after the eight bytes `w` (in wire order, little-endian).
    @inline(__always)
    static func step8(_ crc: UInt16, _ w: UInt64, slices t: UnsafeBufferPointer<UInt16>) -> UInt16 {
        let x = w ^ UInt64(crc)
        return t[1792 + Int(x & 0xff)] ^ t[1536 + Int((x >> 8) & 0xff)] ^ t[1280 + Int((x >> 16) & 0xff)]
            ^ t[1024 + Int((x >> 24) & 0xff)] ^ t[768 + Int((x >> 32) & 0xff)] ^ t[512 + Int((x >> 40) & 0xff)]
            ^ t[256 + Int((x >> 48) & 0xff)] ^ t[Int(x >> 56)]
    }

    /// Feeds `count` bytes at `bytes` into the register, sixteen or eight at a time (the same
    /// result as ``update(_:_:)`` byte by byte). `slices` is ``slices`` as a buffer.
    @inline(__always)
    static func update(_ crc: UInt16, _ bytes: UnsafePointer<UInt8>, count: Int,
                       slices t: UnsafeBufferPointer<UInt16>) -> UInt16 {
        var crc = crc
        var i = 0
        let raw = UnsafeRawPointer(bytes)
        while i + 16 <= count {
            crc = step16(crc, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)),
                         UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)), slices: t)
            i += 16
        }
        if i + 8 <= count {
            crc = step8(crc, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)), slices: t)
            i += 8
        }
        while i < count {
            crc = (crc >> 8) ^ t[Int(UInt8(truncatingIfNeeded: crc) ^ bytes[i])]
            i += 1
        }
        return crc
    }
}
