import ArgumentParser
import BedsideDriver
import BedsideRuntime

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run a device simulator on a pseudo-terminal and print its path.",
        discussion: """
            Prints the tty path (one line on stdout) for a bridge or any other program to open, e.g.
              tty=$(bedside simulate ge-datex &) ; bedside run --port "$tty" --driver ge-datex
            Runs until Ctrl-C. Programs may open and close the tty any number of times.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The driver whose device to simulate (see `bedside drivers`).")
    var driver: String
    @Option(help: "How fast the simulated scenario runs relative to real time.")
    var speed: Double = 1
    @Option(help: "Seed for the simulated variation (same seed, same values).")
    var seed: UInt64 = 1
    @Option(name: .customLong("option"), parsing: .singleValue, help: "Simulator option key=value (repeatable).")
    var options: [String] = []

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            guard speed > 0 else { throw CommandFailure("--speed must be greater than 0") }
            let config = SimulatorConfiguration(seed: seed, scenarioSpeed: speed, options: try parseOptions(options))
            let device = try await SimulatedDevice.start(driver: driver, configuration: config, clock: BridgeClock())
            Console.out(device.devicePath)
            Console.note("simulating \(driver) on \(device.devicePath); Ctrl-C to stop")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in ShutdownSignals.stream() { break }
                    device.stop()
                }
                let summary = try await device.run()
                group.cancelAll()
                if let why = summary.endedBy { throw CommandFailure("the simulator stopped: \(why)") }
            }
        }
    }
}

func parseOptions(_ options: [String]) throws -> [String: String] {
    var dict: [String: String] = [:]
    for o in options {
        guard let eq = o.firstIndex(of: "=") else { throw CommandFailure("--option needs key=value, got '\(o)'") }
        dict[String(o[..<eq])] = String(o[o.index(after: eq)...])
    }
    return dict
}
