import BedsideCapture
import BedsideModel
import BedsideRuntime

/// The feed of an offline replay on stdout.
///
/// Unlike a live session, a replay produces records far faster than a terminal or pipe takes
/// them, and nothing is gained by dropping any: records are numbered and written in order, and
/// the replay waits whenever the output is behind (the bus, which favours the live pipeline over
/// slow readers, is not used). Records are encoded as they come (``emit(_:)``, synchronous, so it
/// can sit in ``OfflineReplay``'s callback) and written in large batches (``flushIfFull()``); the
/// table format prints the final state once.
final class ReplayFeedOutput {
    private let format: FeedFormat
    private let writer = BlockingFileWriter(fd: 1, limit: 4 << 20)
    private let json = FeedLineEncoder()
    private var identity: DeviceIdentity
    private var seq: UInt64 = 0
    private var batch: [UInt8] = []
    private var table = LiveTableModel()
    private var lastHostTime: Timestamp?

    private static let batchSize = 1 << 16

    /// Names the sequence of this replay: the same recording always gets the same id, so a
    /// replay's feed is reproducible, and it can never be mistaken for a live bridge's.
    private let bridgeId: String

    init(format: FeedFormat, identity: DeviceIdentity, header: CaptureHeader) {
        self.format = format
        var identity = identity
        identity.assignID()
        self.identity = identity
        bridgeId = "replay-" + DeviceIdentifier.eui64(namespace: "replay", parts: [
            identity.driver, header.startTime.rfc3339, identity.port ?? "",
        ]).lowercased()
        batch.reserveCapacity(Self.batchSize + 4096)
    }

    var recordsWritten: UInt64 { seq }

    /// Applies what the driver learned about the device to the records that follow.
    func apply(_ update: DeviceIdentityUpdate) { identity.apply(update) }

    func emit(_ observation: Observation) {
        seq += 1
        lastHostTime = observation.hostTime
        switch format {
        case .ndjson:
            json.append(seq: seq, bridgeId: bridgeId, device: identity, observation: observation, replayed: true,
                        to: &batch)
            batch.append(UInt8(ascii: "\n"))
        case .table:
            table.apply(FeedRecord(seq: seq, bridgeId: bridgeId, device: identity, observation: observation, replayed: true))
        }
    }

    /// Writes the batch once it is large; waits while the output is behind.
    func flushIfFull() async throws {
        if batch.count >= Self.batchSize { try await flushBatch() }
    }

    /// Writes what is pending (the final table, for the table format) and waits until it is out.
    func finish() async throws {
        if format == .table {
            let lines = LiveTableRenderer().lines(for: table, now: lastHostTime ?? Timestamp(nanosecondsSinceEpoch: 0))
            batch += Array((lines.joined(separator: "\n") + "\n").utf8)
        }
        try await flushBatch()
        await writer.close()
    }

    private func flushBatch() async throws {
        guard !batch.isEmpty else { return }
        let chunk = batch
        batch.removeAll(keepingCapacity: true)
        try await writer.write(chunk)
    }
}
