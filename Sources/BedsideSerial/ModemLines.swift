import Glibc

/// The RS-232 control lines the host drives (DTR, RTS) and the status lines it reads (CTS, DSR,
/// DCD, RI).
public struct ModemStatus: Hashable, Sendable {
    public var dtr: Bool
    public var rts: Bool
    public var cts: Bool
    public var dsr: Bool
    public var dcd: Bool
    public var ri: Bool

    init(bits: CInt) {
        dtr = bits & TIOCM_DTR != 0
        rts = bits & TIOCM_RTS != 0
        cts = bits & TIOCM_CTS != 0
        dsr = bits & TIOCM_DSR != 0
        dcd = bits & TIOCM_CAR != 0
        ri = bits & TIOCM_RNG != 0
    }
}

enum ModemLines {
    static func set(_ fd: CInt, path: String, dtr: Bool?, rts: Bool?) throws(SerialPortError) {
        var raise: CInt = 0
        var drop: CInt = 0
        if let dtr { if dtr { raise |= TIOCM_DTR } else { drop |= TIOCM_DTR } }
        if let rts { if rts { raise |= TIOCM_RTS } else { drop |= TIOCM_RTS } }
        if raise != 0 { try ioctlBits(fd, UInt(TIOCMBIS), &raise, path: path, operation: "ioctl(TIOCMBIS)") }
        if drop != 0 { try ioctlBits(fd, UInt(TIOCMBIC), &drop, path: path, operation: "ioctl(TIOCMBIC)") }
    }

    static func status(_ fd: CInt, path: String) throws(SerialPortError) -> ModemStatus {
        var bits: CInt = 0
        try ioctlBits(fd, UInt(TIOCMGET), &bits, path: path, operation: "ioctl(TIOCMGET)")
        return ModemStatus(bits: bits)
    }

    private static func ioctlBits(_ fd: CInt, _ request: UInt, _ bits: inout CInt, path: String, operation: String)
        throws(SerialPortError)
    {
        let rc = withUnsafeMutablePointer(to: &bits) { ioctl(fd, request, $0) }
        guard rc == 0 else {
            let code = errno
            if code == ENOTTY || code == EINVAL {
                throw .unsupportedSetting("\(path) has no modem control lines (DTR/RTS); pseudo-terminals do not")
            }
            throw .fromErrno(code, path: path, operation: operation)
        }
    }
}
