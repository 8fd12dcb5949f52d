import ArgumentParser
import Glibc
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
    @Option(help: "How many independent devices to simulate, each on its own tty (one path per line).")
    var count: Int = 1
    @Option(help: "Record the simulator's line to this capture file (.bbcap), as a host would see it.")
    var capture: String?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            guard speed > 0 else { throw CommandFailure("--speed must be greater than 0") }
            guard count >= 1 else { throw CommandFailure("--count must be at least 1") }
            guard capture == nil || count == 1 else { throw CommandFailure("--capture records one device: use it with --count 1") }
            let parsed = try parseOptions(options)
            let clock = BridgeClock()
            var devices: [SimulatedDevice] = []
            do {
                for i in 0..<count {
                    let config = SimulatorConfiguration(seed: seed &+ UInt64(i), scenarioSpeed: speed, options: parsed)
                    devices.append(try await SimulatedDevice.start(driver: driver, configuration: config, clock: clock,
                                                                   capture: capture))
                }
            } catch {
                devices.forEach { $0.terminal.close() }
                throw error
            }
            for device in devices { Console.out(device.devicePath) }
            if isatty(2) == 1 { Console.note("simulating \(count == 1 ? "" : "\(count) × ")\(driver) on "
                + (count == 1 ? devices[0].devicePath : "the ttys above") + "; Ctrl-C to stop") }
            let all = devices
            try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    for await _ in ShutdownSignals.stream() { break }
                    all.forEach { $0.stop() }
                    return nil
                }
                for device in all {
                    group.addTask { try await device.run().endedBy.map { "\(device.devicePath): \($0)" } }
                }
                var failures: [String] = []
                for _ in 0..<all.count {
                    if let failure = try await group.next() ?? nil { failures.append(failure) }
                }
                group.cancelAll()
                if let first = failures.first { throw CommandFailure("the simulator stopped: \(first)") }
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
