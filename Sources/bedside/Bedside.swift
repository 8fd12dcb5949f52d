import ArgumentParser

@main
struct Bedside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bedside",
        abstract: "Bedside Bridge: connects bedside medical devices to the software that watches over patients.",
        discussion: """
            Readings go to stdout (NDJSON, one record per line, or a live table); logs go to stderr.
            Start with `bedside demo`, which runs simulated monitors on pseudo-terminals.
            """,
        subcommands: [
            DemoCommand.self, RunCommand.self, CaptureCommand.self, ReplayCommand.self, PlayCommand.self, ExportUmockdevCommand.self,
            SimulateCommand.self, DriversCommand.self, BenchCommand.self, SoakCommand.self,
            PortsCommand.self, ProbeCommand.self, WatchCommand.self, VerifyCommand.self, UdevRuleCommand.self,
            FeedCommand.self, ForwardingBenchCommand.self,
        ]
    )
}
