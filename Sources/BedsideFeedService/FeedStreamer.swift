import BedsideStore
import Logging

/// One client's feed, whatever carries it (a socket line, a WebSocket message, an SSE event):
/// a hello, then — when resuming — every stored record after the client's `seq`, then live
/// records as they are committed, with no gap and no duplicate at the seam.
///
/// The live subscription starts before the store is read, and records the store read already
/// delivered are skipped when they come round live. A client that cannot keep up fills its
/// bounded buffer; it is then told from which `seq` it missed records and how far behind it was,
/// and the stream ends (it reconnects and resumes from the store).
public struct FeedStreamer: Sendable {
    public let store: RecordStore
    public let bufferRecords: Int
    let logger: Logger

    public init(store: RecordStore, bufferRecords: Int, logger: Logger = Logger(label: "bedside.feed")) {
        self.store = store
        self.bufferRecords = bufferRecords
        self.logger = logger
    }

    public enum End: Sendable, Hashable {
        /// The store closed (the bridge stops).
        case finished
        /// The client fell behind by more than its buffer.
        case overflowed(missedFromSeq: UInt64)
    }

    /// Streams lines (no newline) to `send` until the store closes, the client overflows, `send`
    /// throws (the client went away) or the task is cancelled.
    @discardableResult
    public func stream(_ request: FeedRequest, send: (String) async throws -> Void) async throws -> End {
        let subscription = store.committed.subscribe(bufferSize: bufferRecords)
        let filter = request.filter
        var after = request.resumeAfter
        var bridgeChanged = false
        if after != nil, let id = request.bridgeId, id != store.bridgeId {
            after = 0
            bridgeChanged = true
        }
        try await send(FeedNotice.hello(bridgeId: store.bridgeId, lastSeq: store.lastSeq, firstRetained: store.firstRetainedSeq,
                                        resumingAfter: after, bridgeChanged: bridgeChanged))
        var lastSent: UInt64 = after ?? store.lastSeq
        var covered: UInt64 = lastSent
        if let after {
            if let first = store.firstRetainedSeq, after + 1 < first {
                try await send(FeedNotice.gap(first: after + 1, last: first - 1))
            }
            while true {
                try Task.checkCancellation()
                let page = try store.records(after: covered, limit: 1000, filter: filter)
                guard let last = page.last else { break }
                for record in page { try await send(String(decoding: record.json, as: UTF8.self)) }
                covered = last.seq
                lastSent = last.seq
            }
        }
        for await record in subscription {
            guard record.seq > covered else { continue }
            covered = record.seq
            guard filter.matches(record) else { continue }
            try await send(String(decoding: record.json, as: UTF8.self))
            lastSent = record.seq
        }
        try Task.checkCancellation()
        if let missed = subscription.overflowedAt {
            let behind = store.lastSeq > lastSent ? store.lastSeq - lastSent : 0
            logger.warning("feed client too slow: disconnected \(behind) record(s) behind", metadata: ["missedFromSeq": "\(missed)"])
            try? await send(FeedNotice.overflow(missedFrom: missed, lastSent: lastSent, behind: behind))
            return .overflowed(missedFromSeq: missed)
        }
        return .finished
    }
}
