/// Byte values and size limits of the MIB/RS232 "fixed baudrate" framing.
public enum IntelliVueFraming {
    /// Beginning of frame.
    public static let beginOfFrame: UInt8 = 0xc0
    /// End of frame.
    public static let endOfFrame: UInt8 = 0xc1
    /// Transparency escape: the next byte is sent XOR ``escapeXor``.
    public static let escape: UInt8 = 0x7d
    public static let escapeXor: UInt8 = 0x20
    /// Frame header: protocol id of Data Export.
    public static let protocolID: UInt8 = 0x11
    /// Frame header: message type "association control or data export command".
    public static let messageType: UInt8 = 0x01
    /// Header length (protocol id, message type, u16 length).
    public static let headerLength = 4
    /// The largest MTU a monitor negotiates on the MIB port.
    public static let maximumMTU = 1000
    /// The MTU excludes the session, remote-operation and ROIV/RORS/ROLRS headers (at most 16 bytes).
    public static let maximumUserDataLength = maximumMTU + 16
    /// Header + largest user data + FCS, unescaped. A frame that grows past this without EOF is dropped.
    public static let maximumUnescapedFrameLength = headerLength + maximumUserDataLength + 2
}
