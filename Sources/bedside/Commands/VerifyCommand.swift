import ArgumentParser
import BedsideRuntime
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Sign off a device: compare live readings with expected values and tolerances.",
        discussion: """
            Set the patient simulator (e.g. HR 80, SpO2 97 %, NIBP 120/80), describe it in the
            expectations file (docs/commissioning.md), and run verify for the file's time (take an
            NIBP measurement meanwhile). Each metric is PASS when every valid reading lies within
            its tolerance, FAIL otherwise or when no valid reading arrived. Exit status 0 when all
            pass, 1 when any fails; --report saves the report.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The port (/dev/ttyUSB0, a by-id link) or a location of the configuration.")
    var target: String
    @Option(help: "Driver (see `bedside drivers`); default: the configuration's binding of the port.")
    var driver: String?
    @Option(help: "The expectations file (YAML).")
    var expect: String
    @Option(help: "Also write the report to this file (never overwritten).")
    var report: String?
    @Option(help: "Collect for this many seconds (default: the file's `seconds`, else 60).")
    var seconds: Double?
    @Option(help: "The bridge's configuration file (default \(CommissioningConfiguration.defaultPath) when it exists).")
    var config: String?
    @OptionGroup var line: SerialLineOptions
    @Flag(inversion: .prefixedNo, help: "Claim the port for this process alone (off only for umockdev's emulated ttys).")
    var exclusive = true

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let plan = try CommissioningConfiguration.loadPlan(expect)
            if let report, FileManager.default.fileExists(atPath: report) {
                throw CommandFailure("report \(report) already exists and is never overwritten: choose another name", exitStatus: .usage)
            }
            let configuration = try CommissioningConfiguration.load(config)
            let setup = try driver.map { try DriverSetup(name: $0, configuration: DriverTuning().configuration(
                defaultTimeZone: SystemTimeZone.current)) }
            let ports = try CommissioningPort.resolve(target, configuration: configuration, driver: setup, settings: line.choice,
                                                      ports: { try CommissioningConfiguration.enumeratePorts() })
            guard ports.count == 1, let port = ports.first else {
                throw CommandFailure("\(target) names \(ports.count) ports; verify one port at a time", exitStatus: .usage)
            }
            let (text, passed) = try await VerifySession(port: port, plan: plan, planFile: expect, exclusive: exclusive,
                                                         seconds: seconds).run()
            _ = Console.out(String(text.dropLast()))
            if let report {
                guard FileManager.default.createFile(atPath: report, contents: Data(text.utf8)) else {
                    throw CommandFailure("the report could not be written to \(report)")
                }
            }
            if !passed { throw ExitCode(BridgeExitStatus.failure.rawValue) }
        }
    }
}
