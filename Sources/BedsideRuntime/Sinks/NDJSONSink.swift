import BedsideModel
import Logging

/// Writes the feed as NDJSON: one ``FeedJSONWriter`` line per record, each handed to the output
/// as soon as it is encoded (nothing waits in a buffer for more lines).
///
/// A ``FeedGap`` (this consumer fell behind and the bus dropped records for it) is reported on the
/// log as a warning naming the missing `seq` range; the hole is also visible in the `seq` numbers
/// of the lines themselves.
public struct NDJSONSink: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var linesWritten = 0
        public var recordsDropped = 0
    }

    private let writer: BlockingFileWriter
    private let logger: Logger

    public init(writer: BlockingFileWriter, logger: Logger = Logger(label: "bedside.ndjson")) {
        self.writer = writer
        self.logger = logger
    }

    /// Writes every record of `subscription` until it ends; then waits until all lines are out.
    /// Throws ``BlockingFileWriter/WriteError`` when the output fails (e.g. its reader closed it).
    public func run(_ subscription: FeedSubscription) async throws -> Statistics {
        let json = FeedLineEncoder()
        var stats = Statistics()
        var line = [UInt8]()
        line.reserveCapacity(512)
        for await event in subscription {
            switch event {
            case .record(let record):
                line.removeAll(keepingCapacity: true)
                json.append(record, to: &line)
                line.append(UInt8(ascii: "\n"))
                try await writer.write(line)
                stats.linesWritten += 1
            case .gap(let gap):
                stats.recordsDropped += gap.droppedRecords
                logger.warning("NDJSON output: \(gap)")
            }
        }
        await writer.flush()
        return stats
    }
}
