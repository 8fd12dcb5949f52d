import GEDatex
import IntelliVue

/// Random mutations almost never keep a frame's checksum right, so on their own they rarely get
/// past framing into the decoders. These rewrite each frame-like piece of an input with a correct
/// checksum (and, for IntelliVue, length), so the same mutations reach the record and message
/// decoders. The targets run both the raw input and its rewrite.
public enum ChecksumFixup {
    /// Every `7E`-delimited piece, unstuffed, its last byte taken as the checksum and recomputed.
    public static func geDatex(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        var record: [UInt8] = []
        var escaped = false
        func flush() {
            if record.count > 1 { GEDatexFrameEncoder.append(record: Array(record.dropLast()), to: &out) }
            record.removeAll(keepingCapacity: true)
        }
        for b in input {
            if b == GEDatexWire.flag {
                flush()
                escaped = false
            } else if escaped {
                record.append(b ^ GEDatexWire.escapeMask)
                escaped = false
            } else if b == GEDatexWire.escape {
                escaped = true
            } else {
                record.append(b)
            }
        }
        flush()
        return out
    }

    /// Every `C0 … C1` piece, unescaped; its 4-byte header and 2-byte FCS are replaced by correct ones.
    public static func intelliVue(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        var frame: [UInt8]? = nil
        var escaped = false
        for b in input {
            switch b {
            case IntelliVueFraming.beginOfFrame:
                frame = []
                escaped = false
            case IntelliVueFraming.endOfFrame:
                if let f = frame, f.count >= 6, f.count - 6 <= IntelliVueFraming.maximumUserDataLength {
                    IntelliVueFrameEncoder.encode(Array(f[4..<(f.count - 2)]), into: &out)
                }
                frame = nil
            case IntelliVueFraming.escape where frame != nil:
                escaped = true
            default:
                guard frame != nil else { continue }
                frame!.append(escaped ? b ^ IntelliVueFraming.escapeXor : b)
                escaped = false
            }
        }
        return out
    }
}
