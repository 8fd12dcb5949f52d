/// Builds MIB/RS232 frames: `BOF | 11 01 len | user data | FCS (LSB first) | EOF`, with every
/// 0xc0, 0xc1 and 0x7d between BOF and EOF escaped as `7d, byte ^ 0x20` (header and FCS included).
public enum IntelliVueFrameEncoder {
    /// Appends one complete frame carrying `message` (one association or data-export message).
    ///
    /// - Precondition: `message.count` ≤ ``IntelliVueFraming/maximumUserDataLength``.
    public static func encode(_ message: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        precondition(message.count <= IntelliVueFraming.maximumUserDataLength, "message larger than the MIB MTU")
        out.reserveCapacity(out.count + message.count + 16)
        out.append(IntelliVueFraming.beginOfFrame)
        var crc = IntelliVueFCS.initial
        @inline(__always) func put(_ b: UInt8) {
            crc = IntelliVueFCS.update(crc, b)
            appendEscaped(b, to: &out)
        }
        put(IntelliVueFraming.protocolID)
        put(IntelliVueFraming.messageType)
        put(UInt8(truncatingIfNeeded: message.count >> 8))
        put(UInt8(truncatingIfNeeded: message.count))
        for b in message { put(b) }
        let fcs = ~crc
        appendEscaped(UInt8(truncatingIfNeeded: fcs), to: &out)
        appendEscaped(UInt8(truncatingIfNeeded: fcs >> 8), to: &out)
        out.append(IntelliVueFraming.endOfFrame)
    }

    /// Appends one complete frame carrying `message`.
    public static func encode(_ message: [UInt8], into out: inout [UInt8]) {
        message.withUnsafeBytes { encode($0, into: &out) }
    }

    /// One complete frame carrying `message`.
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        encode(message, into: &out)
        return out
    }

    @inline(__always)
    static func appendEscaped(_ b: UInt8, to out: inout [UInt8]) {
        if b == IntelliVueFraming.beginOfFrame || b == IntelliVueFraming.endOfFrame || b == IntelliVueFraming.escape {
            out.append(IntelliVueFraming.escape)
            out.append(b ^ IntelliVueFraming.escapeXor)
        } else {
            out.append(b)
        }
    }
}
