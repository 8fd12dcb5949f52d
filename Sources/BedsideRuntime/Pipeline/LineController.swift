import BedsideDriver
import BedsideModel
import BedsideSerial
#if canImport(Glibc)
import Glibc
#endif

/// Carries out a driver's ``LineControl`` requests (DTR/RTS, BREAK, a speed change) on the port a
/// pipeline runs on. Drivers are sans-IO, so they only ask; the pipeline executes the requests in
/// order before writing the bytes of the same call.
public protocol LineController: Sendable {
    /// Performs one request on the port.
    ///
    /// - Throws: an error saying why the port refused it (no modem lines, port closed …).
    func perform(_ control: LineControl) throws
}

/// Line control on a real serial port opened by ``SerialPort`` (also valid while SwiftNIO owns
/// its descriptor).
public struct SerialLineController: LineController {
    public let port: SerialPort

    public init(port: SerialPort) { self.port = port }

    public func perform(_ control: LineControl) throws {
        switch control {
        case .setDTR(let on):
            try port.setModemLines(dtr: on, rts: nil)
        case .setRTS(let on):
            try port.setModemLines(dtr: nil, rts: on)
        case .sendBreak(let milliseconds):
            try sendBreak(milliseconds: milliseconds)
        case .setBaudRate(let rate):
            var settings = try port.currentSettings()
            settings.baudRate = rate
            try TerminalConfiguration.apply(settings, to: port.fileDescriptor, path: port.path)
        }
    }

    /// Holds BREAK for the requested time. `tcsendbreak` only knows "0.25–0.5 s", so a requested
    /// duration uses the kernel's set/clear-break requests around a short sleep. The sleep blocks
    /// the session's thread for that time: devices ask for a BREAK of a few hundred milliseconds
    /// at most, once per session, and nothing else of this port may happen meanwhile anyway.
    private func sendBreak(milliseconds: Int) throws {
        let fd = port.fileDescriptor
        guard fd >= 0 else { throw LineControlError.failed("BREAK", port: port.path, reason: "the port is closed") }
        if milliseconds <= 0 {
            guard tcsendbreak(fd, 0) == 0 else { throw LineControlError.errno("tcsendbreak", port: port.path) }
            return
        }
        guard ioctl(fd, UInt(TIOCSBRK)) == 0 else { throw LineControlError.errno("ioctl(TIOCSBRK)", port: port.path) }
        usleep(useconds_t(min(milliseconds, 5_000)) * 1000)
        guard ioctl(fd, UInt(TIOCCBRK)) == 0 else { throw LineControlError.errno("ioctl(TIOCCBRK)", port: port.path) }
    }
}

/// Why a line-control request could not be carried out.
public enum LineControlError: Error, CustomStringConvertible, Equatable {
    case failed(String, port: String, reason: String)

    static func errno(_ call: String, port: String) -> LineControlError {
        .failed(call, port: port, reason: String(cString: strerror(Glibc.errno)))
    }

    public var description: String {
        switch self {
        case .failed(let what, let port, let reason):
            "\(what) on \(port) failed: \(reason); check that the port is a real serial adapter with modem lines"
        }
    }
}

extension LineControl {
    /// Short text for logs (`DTR on`, `BREAK 250 ms`, `speed 115200`).
    var logText: String {
        switch self {
        case .setDTR(let on): "DTR \(on ? "on" : "off")"
        case .setRTS(let on): "RTS \(on ? "on" : "off")"
        case .sendBreak(let ms): "BREAK \(ms) ms"
        case .setBaudRate(let rate): "speed \(rate)"
        }
    }
}
