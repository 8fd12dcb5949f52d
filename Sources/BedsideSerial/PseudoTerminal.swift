import BedsidePlatform
import BedsideModel
import Glibc
import NIOCore
import NIOPosix

/// A pseudo-terminal pair: the bridge's simulators and live replay play the device on the
/// controller side, and any program opens ``devicePath`` (`/dev/pts/N`) as if it were a serial port.
///
/// The device side starts raw (no echo, no CR/LF translation), so bytes written to the controller
/// reach the reader unchanged even before it configures the terminal. The pair also keeps one
/// descriptor of the device side open itself: without it the controller reads `EIO` whenever no
/// program has the device open, e.g. before the first client connects or between two clients.
/// Call ``close()`` when done (after closing the channel, if one was made).
public struct PseudoTerminal: Sendable {
    /// The controller ("master") side: what the device player reads and writes.
    public let controllerDescriptor: CInt
    /// The /dev/pts/N a program opens.
    public let devicePath: String
    private let ownership: Locked<Ownership>

    private struct Ownership {
        var controller: DescriptorOwnership
        var deviceKeeper: CInt
    }

    /// Creates the pair. The device side is put in raw mode and, when `settings` is given, carries
    /// those line settings (a pseudo-terminal stores but does not enforce them; a client reading them
    /// back sees what a real port would have).
    public static func open(settings: SerialSettings? = nil) throws(SerialPortError) -> PseudoTerminal {
        var controller: CInt = -1
        var keeper: CInt = -1
        // openpty opens the device side with O_NOCTTY; that descriptor becomes the keeper.
        guard openpty(&controller, &keeper, nil, nil, nil) == 0 else { throw .system(operation: "openpty", errno: errno) }
        do throws(SerialPortError) {
            var name = [CChar](repeating: 0, count: 128)
            let rc = ttyname_r(keeper, &name, name.count)
            guard rc == 0 else { throw .system(operation: "ttyname_r", errno: rc) }
            let path = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            for fd in [controller, keeper] {
                guard fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { throw .system(operation: "fcntl(FD_CLOEXEC)", errno: errno) }
            }
            try TerminalConfiguration.apply(settings, to: keeper, path: path)
            let flags = fcntl(controller, F_GETFL)
            guard flags >= 0, fcntl(controller, F_SETFL, flags | O_NONBLOCK) == 0 else {
                throw .system(operation: "fcntl(O_NONBLOCK)", errno: errno)
            }
            return PseudoTerminal(controller: controller, devicePath: path, keeper: keeper)
        } catch {
            _ = Glibc.close(keeper)
            _ = Glibc.close(controller)
            throw error
        }
    }

    private init(controller: CInt, devicePath: String, keeper: CInt) {
        self.controllerDescriptor = controller
        self.devicePath = devicePath
        self.ownership = Locked(Ownership(controller: .open(controller), deviceKeeper: keeper))
    }

    /// The line settings the device side has now (what a client set, or what ``open(settings:)`` set).
    public func currentSettings() throws(SerialPortError) -> SerialSettings? {
        TerminalConfiguration.settings(of: try TerminalConfiguration.attributes(of: controllerDescriptor, path: devicePath))
    }

    /// Hands the controller descriptor to NIO (which then owns and closes it). Call at most once.
    public func makeAsyncChannel(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let fd: CInt = try ownership.withLock { (s) throws(SerialPortError) -> CInt in
            guard case .open(let fd) = s.controller else { throw .closed(devicePath) }
            s.controller = .handedToEventLoop(fd)
            return fd
        }
        return try await EventLoopChannels.make(descriptor: fd, group: group)
    }

    /// Closes the descriptor the pair keeps on the device side. From then on the controller sees
    /// hang-ups: reads fail (the NIO channel's inbound stream ends) once no program has the device
    /// open, and ``deviceSideIsOpen()`` tells whether one has. Used by live replay to start playing
    /// only when a client has connected, and to stop when it leaves.
    public func releaseDeviceSide() {
        let keeper: CInt = ownership.withLock { s in
            defer { s.deviceKeeper = -1 }
            return s.deviceKeeper
        }
        if keeper >= 0 { _ = Glibc.close(keeper) }
    }

    /// Whether any program has the device side open (always true before ``releaseDeviceSide()``,
    /// which holds it open itself). Reads the controller's hang-up state; does not consume data.
    public func deviceSideIsOpen() -> Bool {
        var p = pollfd(fd: controllerDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) >= 0 else { return false }
        return p.revents & Int16(POLLHUP) == 0
    }

    /// Closes the descriptors this value still owns: the controller (unless NIO owns it) and the
    /// device-side keeper. Clients then read end-of-file. Safe to call more than once.
    public func close() {
        let (controller, keeper): (CInt?, CInt?) = ownership.withLock { s in
            var c: CInt?
            if case .open(let fd) = s.controller { c = fd }
            s.controller = .closed
            let k = s.deviceKeeper >= 0 ? s.deviceKeeper : nil
            s.deviceKeeper = -1
            return (c, k)
        }
        if let controller { _ = Glibc.close(controller) }
        if let keeper { _ = Glibc.close(keeper) }
    }
}
