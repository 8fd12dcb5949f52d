import BedsidePlatform
import BedsideModel
import Glibc
import Logging
import NIOCore
import NIOPosix

/// An open serial port (a real tty such as `/dev/ttyUSB0`, or any terminal device), configured for
/// raw binary data.
///
/// ```swift
/// let port = try SerialPort.open(path: "/dev/ttyUSB0",
///                                options: SerialPortOptions(settings: SerialSettings(summary: "19200 8E1")!))
/// let channel = try await port.makeAsyncChannel()
/// try await channel.executeThenClose { inbound, outbound in … }
/// ```
///
/// The descriptor is opened with `O_NOCTTY` (the port never becomes the controlling terminal of
/// the bridge, so a hang-up cannot signal it), non-blocking, close-on-exec, and by default
/// exclusively: a UUCP lock file (`/var/lock/LCK..ttyUSB0`, when that directory is writable), a
/// `flock` on the device that binds root too, and `TIOCEXCL`. Until ``makeAsyncChannel(group:)``
/// the port owns its descriptor and ``close()`` closes it; afterwards SwiftNIO owns it and closes
/// it with the channel. Either way all three locks are given back when the port closes.
public final class SerialPort: Sendable {
    /// The path the port was opened by.
    public let path: String
    /// The options it was opened with.
    public let options: SerialPortOptions
    private let state: Locked<DescriptorOwnership>
    /// The exclusive locks; `nil` when opened with `exclusive: false`.
    private let claim: PortClaim?

    private static let logger = Logger(label: "bedside.serial")

    private init(path: String, options: SerialPortOptions, descriptor: CInt, claim: PortClaim?) {
        self.path = path
        self.options = options
        self.state = Locked(.open(descriptor))
        self.claim = claim
    }

    deinit {
        guard case .open(let fd) = state.withLock({ $0 }) else { return }
        claim?.release()
        _ = Glibc.close(fd)
    }

    /// Opens and configures the port.
    ///
    /// - Throws: ``SerialPortError/notFound(_:)``, ``SerialPortError/permissionDenied(_:)`` (names
    ///   the `dialout` group), ``SerialPortError/busy(_:holder:)`` naming the process that holds
    ///   the port when it can be found, ``SerialPortError/notATerminal(_:)``,
    ///   ``SerialPortError/unsupportedSetting(_:)`` when the adapter does not keep the requested
    ///   settings, or ``SerialPortError/system(operation:errno:)``.
    public static func open(path: String, options: SerialPortOptions) throws(SerialPortError) -> SerialPort {
        try open(path: path, options: options, lockDirectories: UUCPLockFile.defaultDirectories)
    }

    /// ``open(path:options:)`` with the directories searched for UUCP lock files given (tests use
    /// a private one; `[]` takes no lock file).
    static func open(path: String, options: SerialPortOptions, lockDirectories: [String]) throws(SerialPortError)
        -> SerialPort
    {
        // The lock file is checked before the device is opened: opening raises DTR, and a device
        // another program holds must not see that.
        let lockFile = options.exclusive ? try UUCPLockFile.acquire(device: path, directories: lockDirectories) : nil
        // O_NONBLOCK: open must not wait for carrier detect, and the event loop needs it anyway.
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            lockFile?.remove()
            // EBUSY: another program set TIOCEXCL (and we are not root).
            if code == EBUSY { throw .busy(path, holder: PortHolderLookup.holder(of: path)) }
            throw .fromErrno(code, path: path, operation: "open")
        }
        var claim: PortClaim?
        do throws(SerialPortError) {
            // tcgetattr first: a non-tty must be reported as such, not as an ioctl failure.
            _ = try TerminalConfiguration.attributes(of: fd, path: path)
            if options.exclusive { claim = try PortClaim.take(fd, path: path, lockFile: lockFile) }
            try configure(fd, path: path, options: options)
        } catch {
            if let claim { claim.release() } else { lockFile?.remove() }
            _ = Glibc.close(fd)
            throw error
        }
        return SerialPort(path: path, options: options, descriptor: fd, claim: claim)
    }

    private static func configure(_ fd: CInt, path: String, options: SerialPortOptions) throws(SerialPortError) {
        let effective = try TerminalConfiguration.apply(options.settings, to: fd, path: path)
        if let effective, effective != options.settings {
            logger.notice(
                "\(path) keeps \(effective.summary) instead of \(options.settings.summary): it has no line framing (a pseudo-terminal); bytes pass unchanged",
                metadata: ["port": "\(path)"])
        }
        if options.assertDTR != nil || options.assertRTS != nil {
            do throws(SerialPortError) {
                try ModemLines.set(fd, path: path, dtr: options.assertDTR, rts: options.assertRTS)
            } catch .unsupportedSetting(let why) {
                // Pseudo-terminals (simulators, replays, umockdev) have no modem lines; nothing to drive.
                logger.notice("modem lines left alone: \(why)", metadata: ["port": "\(path)"])
            }
        }
        // Drop whatever the UART buffered before we owned the port.
        _ = tcflush(fd, TCIOFLUSH)
    }

    /// The descriptor while the port is open (also while SwiftNIO owns it); `-1` after ``close()``.
    public var fileDescriptor: CInt { state.withLock { $0.descriptor } }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { state.withLock { if case .closed = $0 { true } else { false } } }

    /// Raises (`true`) or drops (`false`) DTR and RTS; `nil` leaves a line as it is. Also valid while
    /// SwiftNIO owns the descriptor, until the channel closes.
    ///
    /// - Throws: ``SerialPortError/unsupportedSetting(_:)`` when the device has no modem lines
    ///   (pseudo-terminals), ``SerialPortError/closed(_:)`` after ``close()``.
    public func setModemLines(dtr: Bool?, rts: Bool?) throws(SerialPortError) {
        let fd = try liveDescriptor()
        try ModemLines.set(fd, path: path, dtr: dtr, rts: rts)
    }

    /// Reads the modem control and status lines.
    public func modemStatus() throws(SerialPortError) -> ModemStatus {
        try ModemLines.status(try liveDescriptor(), path: path)
    }

    /// The line settings the port has now, read back with `tcgetattr`.
    public func currentSettings() throws(SerialPortError) -> SerialSettings {
        let t = try TerminalConfiguration.attributes(of: try liveDescriptor(), path: path)
        guard let s = TerminalConfiguration.settings(of: t) else {
            throw .unsupportedSetting("\(path) runs at a non-standard speed")
        }
        return s
    }

    /// Closes the descriptor and gives back the exclusive locks (`TIOCEXCL`, `flock`, lock file).
    /// Does nothing once SwiftNIO owns it (close the channel instead, which gives them back too) or
    /// when already closed.
    public func close() {
        let fd: CInt? = state.withLock { s in
            guard case .open(let fd) = s else { return nil }
            s = .closed
            return fd
        }
        guard let fd else { return }
        claim?.release()
        _ = Glibc.close(fd)
    }

    /// Hands the fd to NIO (which then owns and closes it).
    ///
    /// Reads arrive as they come off the line (no framing); the inbound stream ends without an
    /// error when the device hangs up. However the channel closes, the exclusive locks are given
    /// back before its inbound stream ends or its close completes. Call at most once.
    public func makeAsyncChannel(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let fd: CInt = try state.withLock { (s) throws(SerialPortError) -> CInt in
            guard case .open(let fd) = s else { throw .closed(path) }
            s = .handedToEventLoop(fd)
            return fd
        }
        do {
            return try await EventLoopChannels.make(descriptor: fd, group: group, claim: claim)
        } catch {
            claim?.release()
            throw error
        }
    }

    private func liveDescriptor() throws(SerialPortError) -> CInt {
        let fd = fileDescriptor
        guard fd >= 0 else { throw .closed(path) }
        return fd
    }
}
