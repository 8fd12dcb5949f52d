import BedsidePlatform

/// Hands committed records to live consumers (feed clients) as soon as the store committed them.
///
/// Each subscription has a bounded buffer. A subscriber that lets it fill is not waited for: its
/// subscription ends with ``CommittedSubscription/overflowedAt`` set to the first `seq` it missed,
/// so it can tell its client how far behind it was and let it resume from the store.
public final class CommittedFeed: Sendable {
    private let state = Locked(State())

    private struct State {
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
        var finished = false
    }

    private struct Subscriber {
        let continuation: AsyncStream<StoredRecord>.Continuation
        let overflow: Locked<UInt64?>
    }

    init() {}

    /// Subscribes to every record committed from now on.
    public func subscribe(bufferSize: Int) -> CommittedSubscription {
        precondition(bufferSize > 0)
        let (stream, continuation) = AsyncStream<StoredRecord>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
        let overflow = Locked<UInt64?>(nil)
        let id = state.withLock { s -> Int? in
            guard !s.finished else { return nil }
            s.nextID += 1
            s.subscribers[s.nextID] = Subscriber(continuation: continuation, overflow: overflow)
            return s.nextID
        }
        if let id {
            continuation.onTermination = { [weak self] _ in self?.remove(id) }
        } else {
            continuation.finish()
        }
        return CommittedSubscription(stream: stream, overflow: overflow)
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    private func remove(_ id: Int) { _ = state.withLock { $0.subscribers.removeValue(forKey: id) } }

    func publish(_ records: [StoredRecord]) {
        guard !records.isEmpty else { return }
        // Finished outside the lock: finishing runs the stream's termination handler, which takes it.
        let overflowed = state.withLock { s -> [Subscriber] in
            var overflowed: [Subscriber] = []
            for (id, sub) in s.subscribers {
                for record in records {
                    if case .enqueued = sub.continuation.yield(record) { continue }
                    sub.overflow.withLock { $0 = $0 ?? record.seq }
                    s.subscribers.removeValue(forKey: id)
                    overflowed.append(sub)
                    break
                }
            }
            return overflowed
        }
        overflowed.forEach { $0.continuation.finish() }
    }

    /// Ends every subscription (after what each has buffered) and refuses new ones: the bridge is stopping.
    public func finish() {
        let subs = state.withLock { s -> [Subscriber] in
            s.finished = true
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        subs.forEach { $0.continuation.finish() }
    }
}

/// Records committed after the subscription started, in `seq` order.
public struct CommittedSubscription: AsyncSequence, Sendable {
    public typealias Element = StoredRecord
    let stream: AsyncStream<StoredRecord>
    let overflow: Locked<UInt64?>

    /// Set when the subscription ended because its buffer was full: the first `seq` not delivered.
    public var overflowedAt: UInt64? { overflow.withLock { $0 } }

    public func makeAsyncIterator() -> AsyncStream<StoredRecord>.AsyncIterator { stream.makeAsyncIterator() }
}
