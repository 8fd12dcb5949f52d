import BedsidePlatform
import BedsideModel
import Logging
import NIOCore

/// Something that runs sessions on a port until stopped.
public protocol RunnablePort: Sendable {
    /// Runs until stopped or the port ends for good; returns the summary of each session.
    func runSessions() async -> [PortPipeline.Summary]
    func stop()
}

/// A port ready to run once: its pipeline and the channel it runs on.
public struct OpenedPort: RunnablePort {
    public var pipeline: PortPipeline
    public var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    public var source: FeedSource
    var logger = Logger(label: "bedside.pipeline")

    public init(pipeline: PortPipeline, channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, source: FeedSource) {
        self.pipeline = pipeline
        self.channel = channel
        self.source = source
    }

    public func runSessions() async -> [PortPipeline.Summary] {
        do { return [try await pipeline.run(on: channel)] } catch {
            logger.error("the session failed: \(error)")
            return []
        }
    }

    public func stop() { pipeline.stop() }
}

extension PortSupervisor: RunnablePort {
    public func runSessions() async -> [PortPipeline.Summary] { await run() }
}

/// Runs pipelines with the feed on stdout until every pipeline ended, stopping them all on
/// SIGINT/SIGTERM/SIGHUP, after `seconds`, or when stdout goes away. Returns each pipeline's
/// summary (in port order).
///
/// A reader that closes stdout ends the run without an error (there is nobody left to serve);
/// any other failure of stdout is thrown.
public func runBridge(
    ports: [any RunnablePort], bus: FeedBus, subscription: FeedSubscription, format: FeedFormat,
    clock: BridgeClock, seconds: Double?, logger: Logger
) async throws -> [PortPipeline.Summary] {
    try OptionCheck.runSeconds(seconds)
    let stopAll: @Sendable () -> Void = { ports.forEach { $0.stop() } }

    enum Finished: Sendable {
        case pipelines([PortPipeline.Summary])
        case output((any Error)?)
        case stopper
    }

    return try await withThrowingTaskGroup(of: Finished.self) { group in
        group.addTask {
            do {
                try await presentFeed(subscription, format: format, clock: clock)
                return .output(nil)
            } catch {
                return .output(error)
            }
        }
        group.addTask {
            let summaries = await withTaskGroup(of: (Int, [PortPipeline.Summary]).self) { inner in
                for (i, port) in ports.enumerated() {
                    inner.addTask { (i, await port.runSessions()) }
                }
                var results = [[PortPipeline.Summary]](repeating: [], count: ports.count)
                for await (i, s) in inner { results[i] = s }
                return results.flatMap { $0 }
            }
            bus.finish()  // lets the output drain what is buffered and end
            return .pipelines(summaries)
        }
        group.addTask {
            for await _ in ShutdownSignals.stream() {
                Console.note("stopping (sending stop requests, flushing captures)…")
                break
            }
            stopAll()
            return .stopper
        }
        if let seconds {
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { stopAll() }
                return .stopper
            }
        }

        var summaries: [PortPipeline.Summary] = []
        var outputError: (any Error)?
        var pipelinesDone = false, outputDone = false
        while !(pipelinesDone && outputDone), let finished = try await group.next() {
            switch finished {
            case .pipelines(let s):
                summaries = s
                pipelinesDone = true
            case .output(let error):
                outputDone = true
                if let error {
                    outputError = error
                    stopAll()  // nobody is reading: end politely rather than decode into the void
                }
            case .stopper:
                break
            }
        }
        group.cancelAll()
        if let outputError, (outputError as? BlockingFileWriter.WriteError) != .readerClosed {
            throw outputError
        }
        return summaries
    }
}
