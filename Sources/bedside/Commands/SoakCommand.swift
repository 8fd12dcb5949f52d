import ArgumentParser
import BedsideRuntime

struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Run many simulated devices for simulated hours on damaged links and check the feed.",
        discussion: """
            Every device is a driver and its simulator joined by an in-memory link with seeded faults
            (drops, corruption, duplicates, splits, delays, one 30 s stall each) on a virtual clock, so
            an hour of 128 devices runs in minutes in one process. Prints CPU time, resident memory and
            open descriptors over the run, records, seq gaps, and every value no simulator sent.
            Exits with status 1 when a value was invented or a record is missing.
            Build with `swift build -c release` for meaningful CPU figures.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Simulated devices.")
    var devices: Int = 128
    @Option(help: "Simulated minutes.")
    var minutes: Double = 60
    @Option(name: .customLong("driver"), help: "Only this driver (repeatable; default: every driver with a simulator, in turn).")
    var drivers: [String] = []
    @Option(help: "Seed of the simulators and the link faults.")
    var seed: UInt64 = 1
    @Flag(help: "Clean links (a baseline for the CPU figures).")
    var noFaults = false
    @Option(help: "Print a sample every this many simulated minutes.")
    var every: Double = 5

    private var report: SoakReport {
        SoakReport(devices: devices, minutes: minutes, drivers: drivers.isEmpty ? DriverCatalog.simulatedDriverNames : drivers,
                   seed: seed, faults: !noFaults, everyMinutes: every)
    }

    func validate() throws {
        try validating { try report.validate() }
    }

    func run() async throws {
        global.bootstrap()
        try await reportingErrors { try await report.run() }
    }
}
