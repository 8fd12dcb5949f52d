import ArgumentParser
import BedsideRuntime

struct UdevRuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-rule", abstract: "Print a udev rule giving a port a stable name and dialout access.",
        discussion: """
            The rule makes /dev/bedside/NAME for the port, group dialout, mode 0660, and keeps
            ModemManager away from it. It matches the adapter's serial number when it has one (the
            name follows the adapter), else its hub socket (--by path: the name stays with the
            socket). The output says where to install it; nothing is installed by this command.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The port: its device node (/dev/ttyUSB0) or a /dev/serial/by-id or by-path link.")
    var port: String
    @Option(help: "The name for /dev/bedside/NAME, e.g. chair-3.")
    var name: String
    @Option(help: "Match by: serial (the adapter) or path (the hub socket). Default: serial when the adapter has one.")
    var by: UdevRule.Key?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let ports = try CommissioningConfiguration.enumeratePorts()
            guard let found = UdevRule.find(port, in: ports) else {
                throw CommandFailure("udev lists no serial port \(port); `bedside ports` shows the ports there are")
            }
            do throws(UdevRule.Failure) {
                _ = Console.out(String(try UdevRule.make(port: found, name: name, key: by).dropLast()))
            } catch {
                throw CommandFailure(error.description, exitStatus: .usage)
            }
        }
    }
}

extension UdevRule.Key: ExpressibleByArgument {}
