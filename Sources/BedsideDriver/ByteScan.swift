/// Finding a framing protocol's special bytes (flags, escapes) in received data eight bytes at a
/// time: most of a frame is ordinary bytes, and a deframer spends its time looking past them.
public enum ByteScan {
    /// The index of the first byte in `start..<end` of `bytes` equal to `a`, `b` or `c`, or `end`.
    @inlinable
    public static func firstIndex(of a: UInt8, _ b: UInt8, _ c: UInt8, in bytes: UnsafeRawBufferPointer,
                                  from start: Int, to end: Int) -> Int {
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let ka = ones &* UInt64(a), kb = ones &* UInt64(b), kc = ones &* UInt64(c)
        while i &+ 8 <= end {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if hasZeroByte(w ^ ka) | hasZeroByte(w ^ kb) | hasZeroByte(w ^ kc) != 0 { break }
            i &+= 8
        }
        while i < end {
            let v = bytes[i]
            if v == a || v == b || v == c { return i }
            i &+= 1
        }
        return end
    }

    /// The index of the first byte in `start..<end` equal to `a` or `b`, or `end`.
    @inlinable
    public static func firstIndex(of a: UInt8, _ b: UInt8, in bytes: UnsafeRawBufferPointer,
                                  from start: Int, to end: Int) -> Int {
        firstIndex(of: a, b, b, in: bytes, from: start, to: end)
    }

    /// The 8-bit sum of `bytes` (a byte-sum checksum), summed a word at a time.
    @inlinable
    public static func byteSum(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        let lanes: UInt64 = 0x00FF_00FF_00FF_00FF
        var total: UInt64 = 0
        var i = 0
        let n = bytes.count
        while i &+ 8 <= n {
            // Four 16-bit lanes, each gaining at most 510 per word: flushed before they can overflow.
            var acc: UInt64 = 0
            let stop = min(n, i &+ 8 &* 64)
            while i &+ 8 <= stop {
                let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                acc &+= (w & lanes) &+ ((w >> 8) & lanes)
                i &+= 8
            }
            total &+= (acc & 0xFFFF) &+ ((acc >> 16) & 0xFFFF) &+ ((acc >> 32) & 0xFFFF) &+ (acc >> 48)
        }
        while i < n {
            total &+= UInt64(bytes[i])
            i &+= 1
        }
        return UInt8(truncatingIfNeeded: total)
    }

    /// Nonzero when some byte of `v` is zero (exact for the lowest zero byte; used only as a test).
    @inlinable @inline(__always)
    static func hasZeroByte(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }
}
