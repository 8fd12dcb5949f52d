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

            // A pseudo-terminal keeps speed, stop bits and flow control, but Linux forces it to 8 data
            // bits without parity (it has no line framing); the port accepts exactly that and nothing else.
            let kept = SerialSettings(baudRate: baud, dataBits: 8, parity: .none, stopBits: stop, flowControl: flow)
            var t = termios()
            try #require(tcgetattr(port.fileDescriptor, &t) == 0)
            #expect(cfgetospeed(&t) == TerminalConfiguration.speedConstant(forBaudRate: baud))
            #expect(cfgetispeed(&t) == TerminalConfiguration.speedConstant(forBaudRate: baud))
            #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
            #expect(t.c_cflag & tcflag_t(PARENB) == 0)
            #expect((t.c_cflag & tcflag_t(CSTOPB) != 0) == (stop == 2))
            #expect((t.c_cflag & tcflag_t(CRTSCTS) != 0) == (flow == .rtsCts))
            #expect(t.c_cflag & tcflag_t(CLOCAL | CREAD) == tcflag_t(CLOCAL | CREAD))
            // Raw: no echo, no canonical mode, no signals, no CR/LF mapping, no XON/XOFF, no output processing.
            #expect(t.c_lflag & tcflag_t(ECHO | ICANON | ISIG | IEXTEN) == 0)
            #expect(t.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | INPCK | PARMRK) == 0)
            #expect(t.c_oflag & tcflag_t(OPOST) == 0)
            #expect(TerminalConfiguration.isRaw(t))
            #expect(try port.currentSettings() == kept)
            // The controller side of the pair sees the same terminal.
            #expect(try pty.currentSettings() == kept)
        }
    }

    /// What a real UART gets: the termios built for each frame, checked bit by bit (a pty cannot
    /// hold data bits or parity, so these are checked on the structure handed to tcsetattr).
    @Test("data bits, parity, stop bits and flow control are encoded in c_cflag", arguments: frames.indices)
    func frameEncoding(index: Int) throws {
        let (bits, parity, stop, flow) = Self.frames[index]
        let wanted = SerialSettings(baudRate: 19200, dataBits: bits, parity: parity, stopBits: stop, flowControl: flow)
        var t = termios()
        t.c_cflag = tcflag_t(CS8 | PARENB | PARODD | CSTOPB) | tcflag_t(CRTSCTS)  // start dirty
        t.c_lflag = tcflag_t(ECHO | ICANON | ISIG)
        t.c_iflag = tcflag_t(ICRNL | IXON | INPCK)
        try TerminalConfiguration.makeRaw(&t, settings: wanted)
        #expect(cfgetospeed(&t) == speed_t(B19200))
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(bits == 7 ? CS7 : CS8))
        #expect((t.c_cflag & tcflag_t(PARENB) != 0) == (parity != .none))
        #expect((t.c_cflag & tcflag_t(PARODD) != 0) == (parity == .odd))
        #expect((t.c_cflag & tcflag_t(CSTOPB) != 0) == (stop == 2))
        #expect((t.c_cflag & tcflag_t(CRTSCTS) != 0) == (flow == .rtsCts))
        #expect(TerminalConfiguration.isRaw(t))
        #expect(TerminalConfiguration.settings(of: t) == wanted)
    }

    @Test func pseudoTerminalStartsRawWithRequestedSettings() throws {
        let settings = SerialSettings(baudRate: 38400, stopBits: 2, flowControl: .rtsCts)
        let pty = try PseudoTerminal.open(settings: settings)
        defer { pty.close() }
        #expect(pty.devicePath.hasPrefix("/dev/pts/"))
        var t = termios()
        try #require(tcgetattr(pty.controllerDescriptor, &t) == 0)
        #expect(TerminalConfiguration.isRaw(t))
        #expect(try pty.currentSettings() == settings)

        // 8E1 (GE Datex) on a pty: the speed is kept, the framing is not representable.
        let ge = try PseudoTerminal.open(settings: SerialSettings(baudRate: 19200, parity: .even))
        defer { ge.close() }
        #expect(try ge.currentSettings() == SerialSettings(baudRate: 19200))
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
