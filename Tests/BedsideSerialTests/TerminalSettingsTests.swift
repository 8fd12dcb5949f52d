import BedsideModel
@testable import BedsideSerial
import Glibc
import Testing

@Suite struct TerminalSettingsTests {
    static let bauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800]
    static let frames: [(Int, SerialSettings.Parity, Int, SerialSettings.FlowControl)] = [
        (8, .none, 1, .none), (7, .even, 1, .none), (7, .odd, 2, .none), (8, .even, 1, .rtsCts),
        (8, .odd, 2, .rtsCts), (8, .none, 2, .none), (7, .none, 1, .rtsCts),
    ]

    @Test("every setting is applied to a real tty and reads back with tcgetattr", arguments: bauds)
    func settingsRoundTrip(baud: Int) throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        for (bits, parity, stop, flow) in Self.frames {
            let wanted = SerialSettings(baudRate: baud, dataBits: bits, parity: parity, stopBits: stop, flowControl: flow)
            let port = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: wanted))
            defer { port.close() }

            var t = termios()
            try #require(tcgetattr(port.fileDescriptor, &t) == 0)
            #expect(cfgetospeed(&t) == TerminalConfiguration.speedConstant(forBaudRate: baud))
            #expect(cfgetispeed(&t) == TerminalConfiguration.speedConstant(forBaudRate: baud))
            #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(bits == 7 ? CS7 : CS8))
            #expect((t.c_cflag & tcflag_t(PARENB) != 0) == (parity != .none))
            #expect((t.c_cflag & tcflag_t(PARODD) != 0) == (parity == .odd))
            #expect((t.c_cflag & tcflag_t(CSTOPB) != 0) == (stop == 2))
            #expect((t.c_cflag & tcflag_t(CRTSCTS) != 0) == (flow == .rtsCts))
            #expect(t.c_cflag & tcflag_t(CLOCAL | CREAD) == tcflag_t(CLOCAL | CREAD))
            // Raw: no echo, no canonical mode, no signals, no CR/LF mapping, no XON/XOFF, no output processing.
            #expect(t.c_lflag & tcflag_t(ECHO | ICANON | ISIG | IEXTEN) == 0)
            #expect(t.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | INPCK | PARMRK) == 0)
            #expect(t.c_oflag & tcflag_t(OPOST) == 0)
            #expect(TerminalConfiguration.isRaw(t))
            #expect(try port.currentSettings() == wanted)
            // The controller side of the pair sees the same terminal.
            #expect(try pty.currentSettings() == wanted)
        }
    }

    @Test func pseudoTerminalStartsRawWithRequestedSettings() throws {
        let settings = SerialSettings(baudRate: 19200, parity: .even)
        let pty = try PseudoTerminal.open(settings: settings)
        defer { pty.close() }
        #expect(pty.devicePath.hasPrefix("/dev/pts/"))
        var t = termios()
        try #require(tcgetattr(pty.controllerDescriptor, &t) == 0)
        #expect(TerminalConfiguration.isRaw(t))
        #expect(try pty.currentSettings() == settings)
    }

    @Test func unsupportedSettingsAreRefusedBeforeTouchingThePort() throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let cases: [(SerialSettings, String)] = [
            (SerialSettings(baudRate: 12345), "baud rate 12345"),
            (SerialSettings(baudRate: 9600, dataBits: 9), "9 data bits"),
            (SerialSettings(baudRate: 9600, stopBits: 3), "3 stop bits"),
        ]
        for (settings, text) in cases {
            #expect {
                _ = try SerialPort.open(path: pty.devicePath, options: SerialPortOptions(settings: settings))
            } throws: { error in
                guard case .unsupportedSetting(let why) = error as? SerialPortError else { return false }
                return why.contains(text)
            }
        }
    }
}
