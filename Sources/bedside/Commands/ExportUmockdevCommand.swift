import ArgumentParser
import BedsideCapture
import BedsideModel
import BedsideRuntime
import Glibc

struct ExportUmockdevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-umockdev",
        abstract: "Write a capture as an umockdev script, to replay it to any program as a serial device.",
        discussion: """
            The script plays what the device sent (r lines, with the recorded delays) and expects what
            the bridge sent (w lines): umockdev-run stops the program with an error when it writes
            anything else. --rx-only leaves the w lines out, for a program that only listens (e.g.
            `bedside run --listen-only`) or whose requests differ from the recorded ones.
            Prints the umockdev-run command line to use, with the FTDI adapter description in
            HardwareFixtures/udev/ (umockdev's emulated tty refuses exclusive use, hence
            --no-exclusive).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The capture (.bbcap), IntelliVue log or raw dump to export.")
    var file: String
    @Option(name: [.short, .long], help: "The script file to write.")
    var output: String
    @Option(help: "The device node the script is for (must be one the umockdev description creates).")
    var device = "/dev/ttyUSB0"
    @Option(help: "Driver, for a raw dump (a capture or log names its own).")
    var driver: String?
    @Flag(help: "Leave out what the bridge sent (for a listen-only program).")
    var rxOnly = false
    @Option(help: "Play the recorded delays this many times faster (0.01–1000).")
    var speed: Double = 1
    @Flag(help: "No delays at all.")
    var fast = false

    func validate() throws {
        try validating { try OptionCheck.speed(speed) }
    }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            try InputFile.requireNonEmpty(file)
            let source = try ReplaySource.open(path: file, forceRaw: false, driver: driver)
            let capture = Capture(header: source.header, chunks: try source.allChunks())
            let exporter = UmockdevScriptExporter(speed: fast ? nil : speed, includeTransmit: !rxOnly)
            let script = try exporter.script(for: capture)
            try writeWholeFile(output, script)
            let hasTransmit = capture.chunks.contains { $0.direction == .tx }
            let reads = capture.chunks.filter { $0.direction == .rx }.count
            let writes = rxOnly ? 0 : capture.chunks.count - reads
            Console.note("wrote \(output): \(reads) r and \(writes) w blocks"
                + (hasTransmit && rxOnly ? " (the bridge's writes left out)" : ""))
            let driverName = source.driverType.descriptor.name
            let listenOnly = rxOnly || !hasTransmit ? " --listen-only" : ""
            Console.out("umockdev-run -d \(Self.descriptionPath) -s \(device)=\(output) -- "
                + "bedside run --port \(device) --driver \(driverName)\(listenOnly) --no-exclusive --no-reconnect --format ndjson")
        }
    }

    /// The FTDI description: relative when run from the package root, else where this build came from.
    static var descriptionPath: String {
        let relative = "HardwareFixtures/udev/ftdi-ft232r.umockdev"
        return access(relative, R_OK) == 0 ? relative : "<bedside source>/" + relative
    }
}
