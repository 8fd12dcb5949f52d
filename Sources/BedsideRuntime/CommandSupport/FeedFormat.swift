import BedsidePlatform
/// How a command shows the feed on stdout.
public enum FeedFormat: String, CaseIterable, Sendable {
    /// One JSON object per record (docs/feed-schema.md).
    case ndjson
    /// A live table of the latest value per device and metric.
    case table
}

/// Presents the feed of `subscription` on stdout until the subscription ends.
///
/// NDJSON: one line per record, out as soon as it is encoded. Table: redrawn in place on a
/// terminal, plain snapshots otherwise, a final frame at the end. Throws when stdout fails (e.g.
/// its reader closed the pipe).
public func presentFeed(_ subscription: FeedSubscription, format: FeedFormat, clock: BridgeClock) async throws {
    let writer = BlockingFileWriter(fd: 1)
    switch format {
    case .ndjson:
        do {
            _ = try await NDJSONSink(writer: writer).run(subscription)
        } catch {
            await writer.close()
            throw error
        }
    case .table:
        let sink = LiveTableSink(writer: writer, mode: Console.stdoutIsTerminal ? .terminal : .plain, clock: clock,
                                 windowSize: Console.windowSize)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await sink.display() }
            await sink.consume(subscription)
            group.cancelAll()
        }
    }
    await writer.close()
}
