import ArgumentParser
import BedsideRuntime

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Find out which protocol a device on a port speaks.",
        discussion: """
            Tries each driver's declared detection at its usual line settings: listening first, then
            one read-only request (a single data request, an association request that is released
            at once); never anything a device could take as a setting change. Stops at the first
            protocol that answers and shows what the device revealed about itself. A port with
            nothing on it ends within about 20 s (the sum of the drivers' listening and answer windows) with "no answer" (exit status 1).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The serial port, e.g. /dev/ttyUSB0 or a /dev/serial/by-id/… link.")
    var port: String
    @Option(name: .long, help: "Only try these drivers (repeatable).")
    var driver: [String] = []
    @Flag(inversion: .prefixedNo, help: "Claim the port for this process alone while probing (off only for umockdev's emulated ttys).")
    var exclusive = true

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            var probe = PortProbe(path: port, exclusive: exclusive)
            if !driver.isEmpty {
                probe.drivers = try driver.map { try DriverCatalog.registry.driverType(named: $0) }
            }
            let attempts = try await probe.run()
            _ = Console.out(PortProbe.report(path: port, attempts: attempts))
            if !attempts.contains(where: \.answered) {
                throw CommandFailure("no answer on \(port): check the cable and that the device's data output is on; "
                                     + "`bedside drivers` lists the line settings tried")
            }
        }
    }
}
