import ArgumentParser
import BedsideRuntime

struct PortsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports", abstract: "List serial ports with their identity, links, binding and session.",
        discussion: """
            Every port udev knows (USB adapters, real UARTs), with the facts a binding can use: USB
            serial number and interface, physical path (the hub socket), /dev/serial/by-id and by-path
            links. With a configuration (--config, else \(CommissioningConfiguration.defaultPath) when
            it exists) each port shows the binding that claims it and why; unbound ports are never opened.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The bridge's configuration file (docs/configuration.md).")
    var config: String?
    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let configuration = try CommissioningConfiguration.load(config)
            let listing = PortListing.make(ports: try CommissioningConfiguration.enumeratePorts(), configuration: configuration)
            let text = json ? listing.json() : listing.text()
            _ = Console.out(String(text.dropLast()))
        }
    }
}
