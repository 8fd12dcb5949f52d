import ArgumentParser
import BedsideRuntime

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Simulated monitors on pseudo-terminals, the bridge on them, a live table.",
        discussion: """
            Starts a simulator of every device the bridge has a driver for, each on its own
            pseudo-terminal, placed at clinic chairs (a monitor and a pump at one chair, a
            spot-check monitor and an oximeter at another), and runs the bridge on those ttys
            exactly as on real serial ports. Runs until Ctrl-C, or for --seconds. Every record is marked as
            simulated (device.simulated in the feed, SIMULATED in the table).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Stop by itself after this many seconds.")
    var seconds: Double?
    @Option(help: "Output format: table or ndjson.")
    var format: FeedFormat = .table
    @Option(help: "How fast the simulated scenarios run relative to real time (0.01–1000).")
    var speed: Double = 1
    @Option(help: "Seed for the simulated variation.")
    var seed: UInt64 = 1
    @Option(name: .customLong("device"), parsing: .singleValue,
            help: "A simulated device to include, by driver name (repeatable; default: one of every driver with a simulator).")
    var devices: [String] = DemoLayout.defaultDevices
    @OptionGroup(title: "Forwarding") var forwarding: ForwardingOptions

    func validate() throws {
        try validating {
            try OptionCheck.runSeconds(seconds)
            try OptionCheck.speed(speed)
        }
    }

    func run() async throws {
        global.bootstrap()
        MetricsBackend.bootstrap()
        try await reportingErrors {
            var session = DemoSession(devices: devices, speed: speed, seed: seed, seconds: seconds, format: format)
            // The demo always keeps a store and serves the feed, so `bedside feed` can watch it.
            session.forwarding = try forwarding.configuration(defaultDataDir: DemoDefaults.availableDataDirectory(),
                                                              defaultFeedSocket: DemoDefaults.feedSocket,
                                                              defaultHTTP: DemoDefaults.httpAddress)
            try await session.run()
        }
    }
}
