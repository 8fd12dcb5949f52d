/// How far a protocol itself can tell a damaged frame from an intact one, as its driver declares
/// in ``DriverDescriptor/frameCheck``.
public enum FrameCheck: String, Sendable, Hashable {
    /// Every frame carries a checksum or CRC (GE DRI, IntelliVue, DINAMAP, Nonin formats 2/7): a
    /// damaged frame is refused unless the damage happens to keep the check right.
    case checksum
    /// Plain text with no checksum (Masimo ASCII 1): the grammar refuses most damage, but a digit
    /// turned into another digit is a valid line with another number, and no receiver can see it.
    /// Fault tests do not hold such a driver to "no value the device did not send" under corruption.
    case grammarOnly = "grammar-only"
}
