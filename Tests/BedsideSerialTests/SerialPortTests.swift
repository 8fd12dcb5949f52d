import BedsideTestSupport
import BedsideModel
@testable import BedsideSerial
import Glibc
import NIOCore
import Testing

@Suite struct SerialPortTests {
    let settings = SerialSettings(baudRate: 115200)

    @Test(.timeLimit(.minutes(1))) func bytesAreBinaryCleanBothWaysThroughNIO() async throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
        let hostChannel = try await port.makeAsyncChannel()
        let deviceChannel = try await pty.makeAsyncChannel()
        // Every byte value too, after the awkward ones, in a block larger than the tty buffer.
        let large = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

        try await hostChannel.executeThenClose { hostInbound, hostOut in
            var hostIn = hostInbound.makeAsyncIterator()
            try await deviceChannel.executeThenClose { deviceInbound, deviceOut in
                var deviceIn = deviceInbound.makeAsyncIterator()
                try await hostOut.write(ByteBuffer(bytes: awkwardBytes))
                #expect(try await readExactly(awkwardBytes.count, from: &deviceIn) == awkwardBytes)

                try await deviceOut.write(ByteBuffer(bytes: awkwardBytes.reversed()))
                #expect(try await readExactly(awkwardBytes.count, from: &hostIn) == Array(awkwardBytes.reversed()))

                // Written concurrently: the tty buffer is smaller than the block, so the reader must drain it.
                let writer = Task { try await deviceOut.write(ByteBuffer(bytes: large)) }
                #expect(try await readExactly(large.count, from: &hostIn) == large)
                try await writer.value
            }
        }
    }

    @Test func exclusiveOpenSetsTIOCEXCL() throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
        #expect(exclusiveFlag(port.fileDescriptor) == 1)
        port.close()
        #expect(port.fileDescriptor == -1)

        let shared = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings, exclusive: false))
        defer { shared.close() }
        #expect(exclusiveFlag(shared.fileDescriptor) == 0)
    }

    /// Root gets past TIOCEXCL, so the second open runs as `nobody` (uid 65534) in a child process.
    @Test(.enabled(if: canOpenAsNobody, "needs root, /usr/bin/setpriv and /usr/bin/python3 to open the port as another user"))
    func secondOpenByAnotherUserIsBusy() throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        // Let `nobody` open the device at all, so the only thing stopping it is the exclusive flag.
        try #require(chmod(pty.devicePath, 0o666) == 0)
        let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
        #expect(try openAsNobody(pty.devicePath) == "\(EBUSY)")
        port.close()
        #expect(try openAsNobody(pty.devicePath) == "opened")
    }

    @Test func missingDeviceIsNotFound() {
        let path = "/dev/ttyBEDSIDE-missing-\(getpid())"
        #expect(throws: SerialPortError.notFound(path)) {
            _ = try SerialPort.open(path: path, options: SerialPortOptions(settings: settings))
        }
    }

    @Test func regularFileIsNotATerminal() throws {
        let path = "/tmp/bedside-not-a-tty-\(getpid())"
        let fd = creat(path, 0o600)
        try #require(fd >= 0)
        close(fd)
        defer { unlink(path) }
        #expect(throws: SerialPortError.notATerminal(path)) {
            _ = try SerialPort.open(path: path, options: SerialPortOptions(settings: settings))
        }
    }

    @Test func errnoMapsToErrorsThatSayWhatToDo() {
        let path = "/dev/ttyUSB0"
        #expect(SerialPortError.fromErrno(ENOENT, path: path, operation: "open") == .notFound(path))
        #expect(SerialPortError.fromErrno(EACCES, path: path, operation: "open") == .permissionDenied(path))
        #expect(SerialPortError.fromErrno(EBUSY, path: path, operation: "open") == .busy(path))
        #expect(SerialPortError.fromErrno(ENOTTY, path: path, operation: "tcgetattr") == .notATerminal(path))
        #expect(SerialPortError.fromErrno(EIO, path: path, operation: "open") == .system(operation: "open /dev/ttyUSB0", errno: EIO))

        let denied = SerialPortError.permissionDenied(path).description
        #expect(denied.contains("dialout") && denied.contains("sudo usermod -aG dialout $USER") && denied.contains(path))
        let busy = SerialPortError.busy(path).description
        #expect(busy.contains("in use by another program") && busy.contains("lsof") && busy.contains("fuser"))
        #expect(SerialPortError.system(operation: "open /dev/ttyUSB0", errno: EIO).description.contains("errno \(EIO)"))
    }

    @Test func pseudoTerminalsHaveNoModemLines() throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        // Asking for DTR at open is not fatal on a pty (there is no line to drive) ...
        let port = try SerialPort.open(
            path: pty.devicePath, options: SerialPortOptions(settings: settings, assertDTR: true, assertRTS: false))
        defer { port.close() }
        // ... but asking explicitly says why it cannot work.
        #expect {
            try port.setModemLines(dtr: true, rts: nil)
        } throws: { error in
            guard case .unsupportedSetting(let why) = error as? SerialPortError else { return false }
            return why.contains("modem control lines")
        }
    }

    @Test func closedPortRefusesAChannel() async throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
        port.close()
        port.close()
        #expect(port.isClosed)
        await #expect(throws: SerialPortError.closed(pty.devicePath)) { _ = try await port.makeAsyncChannel() }
        #expect(throws: SerialPortError.closed(pty.devicePath)) { try port.setModemLines(dtr: true, rts: true) }
    }
}
