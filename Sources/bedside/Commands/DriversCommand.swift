import ArgumentParser
import BedsideRuntime

struct DriversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drivers", abstract: "List the drivers, their default line settings, simulators and options.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        global.bootstrap()
        let registry = DriverCatalog.registry
        let simulated = Set(registry.simulators.map { $0.driverName })
        guard !registry.drivers.isEmpty else {
            Console.error("this build has no drivers")
            throw ExitCode.failure
        }
        let rows = registry.drivers.map { d -> [String] in
            let desc = d.descriptor
            return [desc.name, desc.vendor, desc.defaultSerialSettings.summary,
                    simulated.contains(desc.name) ? "yes" : "no", desc.summary]
        }
        let header = ["NAME", "VENDOR", "DEFAULT LINE", "SIMULATOR", "DEVICES"]
        let widths = (0..<4).map { i in ([header] + rows).map { $0[i].count }.max()! + 2 }
        for row in [header] + rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i < 4 ? cell.padding(to: widths[i]) : cell
            }
            Console.out(line)
        }
        // The options each driver declares (`--option NAME=VALUE`); anything else is refused.
        for d in registry.drivers where !d.descriptor.options.isEmpty {
            Console.out("")
            Console.out("\(d.descriptor.name) options (--option NAME=VALUE):")
            for option in d.descriptor.options {
                let fallback = option.defaultValue.map { "; default \($0)" } ?? ""
                Console.out("  \(option.name): \(option.expected)\(fallback). \(option.help)")
            }
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
