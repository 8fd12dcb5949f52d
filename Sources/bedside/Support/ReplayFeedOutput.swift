import BedsideModel
import BedsideRuntime

/// The feed of an offline replay on stdout.
///
/// Unlike a live session, a replay produces records far faster than a terminal or pipe takes
/// them, and nothing is gained by dropping any: records are numbered and written in order, and
/// the replay waits whenever the output is behind (the bus, which favours the live pipeline over
/// slow readers, is not used). NDJSON lines are batched into large writes; the table format
/// prints the final state once.
struct ReplayFeedOutput {
    private let format: FeedFormat
    private let writer = BlockingFileWriter(fd: 1, limit: 4 << 20)
    private let json = FeedJSONWriter()
    private var identity: DeviceIdentity
    private var seq: UInt64 = 0
    private var batch: [UInt8] = []
    private var table = LiveTableModel()
    private var lastHostTime: Timestamp?

    init(format: FeedFormat, identity: DeviceIdentity) {
        self.format = format
        self.identity = identity
        batch.reserveCapacity(1 << 16)
    }

    var recordsWritten: UInt64 { seq }

    mutating func apply(_ update: DeviceIdentityUpdate) { identity.apply(update) }

    mutating func emit<C: Collection>(_ observations: C) async throws where C.Element == Observation {
        for observation in observations {
            seq += 1
            let record = FeedRecord(seq: seq, device: identity, observation: observation)
            lastHostTime = observation.hostTime
            switch format {
            case .ndjson:
                json.append(record, to: &batch)
                batch.append(UInt8(ascii: "\n"))
            case .table:
                table.apply(record)
            }
        }
        if batch.count >= 1 << 16 { try await flushBatch() }
    }

    /// Writes what is pending (the final table, for the table format) and waits until it is out.
    mutating func finish() async throws {
        if format == .table {
            let lines = LiveTableRenderer().lines(for: table, now: lastHostTime ?? Timestamp(nanosecondsSinceEpoch: 0))
            batch += Array((lines.joined(separator: "\n") + "\n").utf8)
        }
        try await flushBatch()
        await writer.close()
    }

    private mutating func flushBatch() async throws {
        guard !batch.isEmpty else { return }
        let chunk = batch
        batch.removeAll(keepingCapacity: true)
        try await writer.write(chunk)
    }
}
