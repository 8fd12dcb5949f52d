/// Wraps a DRI record for the wire: appends the 8-bit checksum, stuffs `0x7E`/`0x7D`, and adds
/// the delimiters.
public enum GEDatexFrameEncoder {
    /// `0x7E` + stuffed(record + checksum) + `0x7E`. The checksum is the sum of the *unstuffed*
    /// record bytes (some public encoders sum the escape pairs instead; that is wrong).
    public static func frame(record: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.count + 8)
        append(record: record, to: &out)
        return out
    }

    /// Appends one framed record to `out`.
    public static func append(record: [UInt8], to out: inout [UInt8]) {
        let sum = record.withUnsafeBytes { GEDatexFrameDecoder.checksum($0) }
        out.append(GEDatexWire.flag)
        for b in record { appendStuffed(b, to: &out) }
        appendStuffed(sum, to: &out)
        out.append(GEDatexWire.flag)
    }

    @inline(__always)
    private static func appendStuffed(_ b: UInt8, to out: inout [UInt8]) {
        if b == GEDatexWire.flag || b == GEDatexWire.escape {
            out.append(GEDatexWire.escape)
            out.append(b ^ GEDatexWire.escapeMask)
        } else {
            out.append(b)
        }
    }
}
