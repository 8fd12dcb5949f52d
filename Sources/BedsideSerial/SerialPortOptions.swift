import BedsideModel

/// How to open a serial port.
public struct SerialPortOptions: Sendable {
    /// Speed, frame and flow control to apply.
    public var settings: SerialSettings
    /// Take the port exclusively (`TIOCEXCL`): later opens by other programs fail with `EBUSY`.
    /// (The kernel lets root past this lock, so it protects against other users' programs only.)
    public var exclusive: Bool = true
    /// Assert (`true`) or drop (`false`) DTR after opening; `nil` leaves the line as the driver set it
    /// (Linux raises DTR and RTS on open).
    public var assertDTR: Bool?
    /// Assert or drop RTS after opening; `nil` leaves it. Ignored by the hardware when RTS/CTS flow
    /// control is on, because the UART drives RTS itself.
    public var assertRTS: Bool?

    public init(settings: SerialSettings, exclusive: Bool = true, assertDTR: Bool? = nil, assertRTS: Bool? = nil) {
        self.settings = settings
        self.exclusive = exclusive
        self.assertDTR = assertDTR
        self.assertRTS = assertRTS
    }
}
