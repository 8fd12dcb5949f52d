import ArgumentParser
import BedsideRuntime

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run a device simulator on a pseudo-terminal and print its path.",
        discussion: """
            Prints the tty path (one line on stdout) for a bridge or any other program to open, e.g.
              tty=$(bedside simulate ge-datex &) ; bedside run --port "$tty" --driver ge-datex
            Runs until Ctrl-C, SIGTERM or SIGHUP. Programs may open and close the tty any number of
            times. A --count the open-file limit cannot hold is refused before anything starts.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The driver whose device to simulate (see `bedside drivers`).")
    var driver: String
    @Option(help: "How fast the simulated scenario runs relative to real time (0.01–1000).")
    var speed: Double = 1
    @Option(help: "Seed for the simulated variation (same seed, same values).")
    var seed: UInt64 = 1
    @Option(name: .customLong("option"), parsing: .singleValue, help: "Simulator option key=value (repeatable).")
    var options: [String] = []
    @Option(help: "How many independent devices to simulate, each on its own tty (one path per line; 1–4096).")
    var count: Int = 1
    @Option(help: "Record the simulator's line to this capture file (.bbcap), as a host would see it.")
    var capture: String?
    @Option(help: "Serve the device on a TCP port instead of a pseudo-terminal (tcp://host:port; port 0 picks one; prints the address).")
    var listen: String?

    private var farm: SimulatorFarm {
        SimulatorFarm(driver: driver, speed: speed, seed: seed, options: options, count: count, capture: capture)
    }

    func validate() throws {
        try validating { try farm.validate() }
    }

    func run() async throws {
        global.bootstrap()
        if let listen {
            try await reportingErrors {
                try farm.validate()
                try await SimulatorTCPServer(listen: listen, driver: driver, speed: speed, seed: seed, options: options)
                    .run { Console.out($0) }
            }
            return
        }
        try await reportingErrors { try await farm.run() }
    }
}
