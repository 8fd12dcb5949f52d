import ArgumentParser
import Glibc
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .notice

    /// Chooses the logging backend (log lines on stderr, so stdout carries only the feed) and
    /// process-wide signal dispositions. Call once, first thing in `run()`.
    func bootstrap() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // A closed stdout must surface as EPIPE on write (ending the command), not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
