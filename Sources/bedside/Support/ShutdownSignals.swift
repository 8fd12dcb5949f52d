import Dispatch
import Glibc

/// SIGINT (Ctrl-C) and SIGTERM as an async sequence, so a command can stop its pipelines politely.
///
/// The first signal is delivered to the command, which then has drivers send their stop requests
/// and captures flush; a second one means "now": the process exits at once with status 130.
enum ShutdownSignals {
    static func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let counter = SignalCounter()
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if counter.increment() > 1 {
                    Console.error("interrupted again: exiting without waiting for a clean stop")
                    _exit(130)
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

private final class SignalCounter: @unchecked Sendable {
    private var count = 0
    private let queue = DispatchQueue(label: "bedside.signals")
    func increment() -> Int { queue.sync { count += 1; return count } }
}

private final class SourcesBox: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
