import BedsidePlatform
import Dispatch
import Glibc

/// The signals that ask a command to stop, as an async sequence, so it can stop its pipelines
/// politely: SIGINT (Ctrl-C), SIGTERM (service manager) and SIGHUP (the terminal or SSH session
/// went away, or a service manager's reload).
///
/// The first signal is delivered to the command, which then has drivers send their stop requests
/// and captures flush; a second one means "now": the process exits at once with status 130.
public enum ShutdownSignals {
    /// The signals handled; each one is a stop request.
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public static func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let counter = Locked(0)
        var sources: [any DispatchSourceSignal] = []
        for sig in handled {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if counter.withLock({ n -> Int in n += 1; return n }) > 1 {
                    Console.error("interrupted again: exiting without waiting for a clean stop")
                    _exit(BridgeExitStatus.interruptedAgain.rawValue)
                }
                continuation.yield(sig)
            }
            source.resume()
            sources.append(source)
        }
        let keepAlive = SourcesBox(sources)
        continuation.onTermination = { _ in keepAlive.cancel() }
        return stream
    }
}

private final class SourcesBox: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
