import BedsideModel
import Glibc

/// Raw termios for serial data: what ``SerialPort`` and ``PseudoTerminal`` apply, and how the
/// settings of an open terminal are read back.
///
/// Raw means: no line editing, no echo, no signal characters, no CR/LF translation, no software
/// flow control, 8-bit clean, reads return as soon as one byte is there (`VMIN = 1`, `VTIME = 0`),
/// and `CLOCAL` so a missing carrier-detect line never blocks or hangs up the port.
///
/// Parity errors: input parity checking (`INPCK`) is left off, so a byte received with a parity
/// error is passed through unchanged instead of being replaced by `0x00` or dropped; the protocol's
/// own checksum is what rejects a corrupted frame, and it sees the original bytes.
public enum TerminalConfiguration {
    /// Baud rates this platform has constants for, ascending. 230400 and faster are accepted when
    /// the kernel driver of the port takes them (checked by reading the speed back).
    public static let supportedBaudRates: [Int] = baudTable.map(\.rate)

    private static let baudTable: [(rate: Int, constant: speed_t)] = [
        (300, speed_t(B300)), (600, speed_t(B600)), (1200, speed_t(B1200)), (1800, speed_t(B1800)),
        (2400, speed_t(B2400)), (4800, speed_t(B4800)), (9600, speed_t(B9600)), (19200, speed_t(B19200)),
        (38400, speed_t(B38400)), (57600, speed_t(B57600)), (115200, speed_t(B115200)),
        (230400, speed_t(B230400)), (460800, speed_t(B460800)), (500000, speed_t(B500000)),
        (576000, speed_t(B576000)), (921600, speed_t(B921600)),
    ]

    static func speedConstant(forBaudRate rate: Int) -> speed_t? {
        baudTable.first(where: { $0.rate == rate })?.constant
    }

    static func baudRate(forSpeedConstant constant: speed_t) -> Int? {
        baudTable.first(where: { $0.constant == constant })?.rate
    }

    /// Turns `t` into raw mode and, when `settings` is given, sets speed, frame and flow control.
    /// Pure: touches no descriptor, so it is testable and reusable.
    public static func makeRaw(_ t: inout termios, settings: SerialSettings?) throws(SerialPortError) {
        cfmakeraw(&t)
        t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY | INPCK | ISTRIP | IGNPAR | PARMRK)
        t.c_cflag |= tcflag_t(CLOCAL | CREAD)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard let settings else { return }

        guard let speed = speedConstant(forBaudRate: settings.baudRate) else {
            throw .unsupportedSetting(
                "baud rate \(settings.baudRate) (supported: \(supportedBaudRates.map(String.init).joined(separator: ", ")))")
        }
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)

        let size: tcflag_t
        switch settings.dataBits {
        case 5: size = tcflag_t(CS5)
        case 6: size = tcflag_t(CS6)
        case 7: size = tcflag_t(CS7)
        case 8: size = tcflag_t(CS8)
        default: throw .unsupportedSetting("\(settings.dataBits) data bits (use 5, 6, 7 or 8)")
        }
        t.c_cflag = (t.c_cflag & ~tcflag_t(CSIZE)) | size

        t.c_cflag &= ~tcflag_t(PARENB | PARODD)
        switch settings.parity {
        case .none: break
        case .even: t.c_cflag |= tcflag_t(PARENB)
        case .odd: t.c_cflag |= tcflag_t(PARENB | PARODD)
        }

        switch settings.stopBits {
        case 1: t.c_cflag &= ~tcflag_t(CSTOPB)
        case 2: t.c_cflag |= tcflag_t(CSTOPB)
        default: throw .unsupportedSetting("\(settings.stopBits) stop bits (use 1 or 2)")
        }

        // CRTSCTS is imported as UInt32, the other c_cflag constants as Int32.
        switch settings.flowControl {
        case .none: t.c_cflag &= ~tcflag_t(CRTSCTS)
        case .rtsCts: t.c_cflag |= tcflag_t(CRTSCTS)
        }
    }

    /// The line settings encoded in `t`, or `nil` when its speed has no standard baud rate.
    public static func settings(of t: termios) -> SerialSettings? {
        var copy = t
        guard let rate = baudRate(forSpeedConstant: cfgetospeed(&copy)) else { return nil }
        let bits: Int
        switch t.c_cflag & tcflag_t(CSIZE) {
        case tcflag_t(CS5): bits = 5
        case tcflag_t(CS6): bits = 6
        case tcflag_t(CS7): bits = 7
        default: bits = 8
        }
        let parity: SerialSettings.Parity =
            t.c_cflag & tcflag_t(PARENB) == 0 ? .none : (t.c_cflag & tcflag_t(PARODD) == 0 ? .even : .odd)
        return SerialSettings(
            baudRate: rate, dataBits: bits, parity: parity,
            stopBits: t.c_cflag & tcflag_t(CSTOPB) == 0 ? 1 : 2,
            flowControl: t.c_cflag & tcflag_t(CRTSCTS) == 0 ? .none : .rtsCts)
    }

    /// Whether `t` is raw in the sense of ``makeRaw(_:settings:)``.
    public static func isRaw(_ t: termios) -> Bool {
        let noInput = tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK)
        let noLocal = tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        var cc = t.c_cc
        let (vmin, vtime) = withUnsafeBytes(of: &cc) { ($0[Int(VMIN)], $0[Int(VTIME)]) }
        return t.c_iflag & noInput == 0 && t.c_oflag & tcflag_t(OPOST) == 0 && t.c_lflag & noLocal == 0
            && t.c_cflag & tcflag_t(CLOCAL | CREAD) == tcflag_t(CLOCAL | CREAD) && vmin == 1 && vtime == 0
    }

    /// Reads the terminal attributes of `fd`.
    public static func attributes(of fd: CInt, path: String) throws(SerialPortError) -> termios {
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { throw .fromErrno(errno, path: path, operation: "tcgetattr") }
        return t
    }

    /// Applies raw mode and `settings` to `fd`, then reads them back, and returns the settings in
    /// effect. A driver that silently keeps another speed, stop bits or flow control (many USB
    /// adapters cap at 115200 or 230400) is reported instead of trusted.
    ///
    /// One exception: a pseudo-terminal has no line framing, and Linux forces it to 8 data bits
    /// without parity (refusing the change or clearing the bits). When exactly that happens, the
    /// settings are applied with 8 data bits and no parity and the returned value says so; the
    /// bytes still pass unchanged, which is all a pseudo-terminal peer can see.
    @discardableResult
    public static func apply(_ settings: SerialSettings?, to fd: CInt, path: String) throws(SerialPortError)
        -> SerialSettings?
    {
        let original = try attributes(of: fd, path: path)
        var t = original
        try makeRaw(&t, settings: settings)
        let setError = tcsetattr(fd, TCSANOW, &t) == 0 ? 0 : errno
        guard let settings else {
            guard setError == 0 else { throw .fromErrno(setError, path: path, operation: "tcsetattr") }
            return nil
        }
        if setError == 0, let actual = Self.settings(of: try attributes(of: fd, path: path)), actual == settings {
            return actual
        }
        guard setError == 0 || setError == EINVAL else { throw .fromErrno(setError, path: path, operation: "tcsetattr") }

        // The pseudo-terminal case: retry with the framing a pty keeps.
        var unframed = settings
        unframed.dataBits = 8
        unframed.parity = .none
        if unframed != settings {
            t = original
            try makeRaw(&t, settings: unframed)
            if tcsetattr(fd, TCSANOW, &t) == 0,
               let actual = Self.settings(of: try attributes(of: fd, path: path)), actual == unframed {
                return actual
            }
        }
        if setError == EINVAL { throw .unsupportedSetting("\(path) refuses \(settings.summary)") }
        let got = Self.settings(of: try attributes(of: fd, path: path))?.summary ?? "a non-standard speed"
        throw .unsupportedSetting(
            "\(path) was asked for \(settings.summary) but keeps \(got); the adapter or its driver does not support it")
    }
}
