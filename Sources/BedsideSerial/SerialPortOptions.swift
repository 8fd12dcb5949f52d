import BedsideModel

/// How to open a serial port.
public struct SerialPortOptions: Sendable {
    /// Speed, frame and flow control to apply.
    public var settings: SerialSettings
    /// Take the port exclusively: a UUCP lock file (when the lock directory is writable), a `flock`
    /// on the device and `TIOCEXCL`. Another exclusive open, by this or any process and also as
    /// root, fails with ``SerialPortError/busy(_:holder:)``; programs that check no lock are kept
    /// out by `TIOCEXCL`, unless they run as root. `false` sets none of them, for devices that
    /// refuse `TIOCEXCL` (umockdev's emulated ttys); two programs then share the data.
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
