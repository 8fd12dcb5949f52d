import ArgumentParser
import BedsideCapture
import BedsideModel
import BedsideRuntime

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play", abstract: "Play the device side of a recording on a new pseudo-terminal.",
        discussion: """
            Prints the tty path (one line on stdout); the bridge, or any program, opens it as if it
            were the device's serial port:
              tty=$(bedside play session.bbcap --speed 4 &) ; bedside run --port "$tty" --driver ge-datex
            Playing starts when a program opens the tty, with the recorded spacing (scaled by --speed,
            or none with --fast), and ends at the end of the recording (the program then reads end of
            file) or when the program closes the tty. What the program wrote is compared with what
            the recorded bridge sent, when the recording has that; the summary goes to stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The capture (.bbcap), IntelliVue log or raw dump to play.")
    var file: String
    @Option(help: "Driver, for a raw dump (a capture or log names its own).")
    var driver: String?
    @Option(help: "Play this many times faster than recorded (0.01–1000).")
    var speed: Double?
    @Flag(help: "No waiting between chunks.")
    var fast = false

    func validate() throws {
        try validating { try OptionCheck.speed(speed) }
    }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            if fast && speed != nil { throw CommandFailure("give either --speed or --fast, not both", exitStatus: .usage) }
            try InputFile.requireNonEmpty(file)
            let source = try ReplaySource.open(path: file, forceRaw: false, driver: driver)
            var header = source.header
            if header.serialSettings == nil { header.serialSettings = source.driverType.descriptor.defaultSerialSettings }
            let capture = Capture(header: header, chunks: try source.allChunks())
            guard capture.chunks.contains(where: { $0.direction == .rx && !$0.bytes.isEmpty }) else {
                // Nothing the device sent: a pty would open and wait for a program with nothing to give it.
                throw CommandFailure("\(file) holds no bytes from the device (a capture with only its header, or only "
                                     + "what the bridge sent): there is nothing to play; `bedside replay \(file)` shows what it holds")
            }
            let pace: LiveReplay.Speed = fast ? .asFastAsPossible : speed.map { .factor($0) } ?? .realTime
            let replay = LiveReplay(capture: capture, options: .init(speed: pace))
            let task = Task {
                try await replay.run { path in Console.out(path) }
            }
            let stopper = Task {
                for await _ in ShutdownSignals.stream() { task.cancel(); break }
            }
            let report: LiveReplayReport
            do { report = try await task.value } catch is CancellationError {
                // A stop signal before the end is a stop request, as for every other command.
                Console.note("stopped before the end of \(file)")
                return
            }
            stopper.cancel()
            var line = "played \(file): \(report.bytesWritten) bytes to \(report.devicePath), "
                + "\(report.bytesReceived.count) bytes written by the program"
            if report.clientDisconnected { line += "; the program closed the tty before the end" }
            Console.note(line)
            if let check = report.transmitCheck {
                Console.note("transmit check: \(check.matchedBytes) bytes as recorded, \(check.mismatchedBytes) differ, "
                    + "\(check.missingBytes) recorded but not sent, \(check.extraBytes) sent but not recorded")
                for mismatch in check.mismatches.prefix(3) { Console.note("  \(mismatch)") }
            }
        }
    }
}
