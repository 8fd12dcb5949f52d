import BedsidePlatform
import BedsideModel
import Logging
import Metrics

/// Assigns sequence numbers, stamps device identity and fans records out to subscribers.
///
/// One bus per bridge. Every port publishes through its own ``FeedSource``; the bus gives each
/// record the next `seq` (strictly increasing from 1 across all ports) and the source's current
/// ``DeviceIdentity``, then offers it to every subscriber — all under one short lock, so every
/// subscriber sees records in `seq` order.
///
/// Subscribers never slow the pipeline down: each has a bounded buffer, and when it is full the
/// record is dropped *for that subscriber only*, counted, and reported to it as a ``FeedGap``
/// before the next record it receives. Publishing costs a lock, a few array appends and one
/// continuation resume per waiting subscriber; there is no polling and no task per record.
public final class FeedBus: Sendable {
    /// Default per-subscriber buffer, in records. At a few hundred records per second per device,
    /// this absorbs seconds of stall of a slow consumer (a blocked terminal, a paused pipe).
    public static let defaultSubscriberBufferSize = 8192

    private let state = Locked(State())
    private let logger: Logger
    private let publishedCounter: Counter
    private let droppedCounter: Counter

    /// This bridge instance's id, stamped on every record as ``FeedRecord/bridgeId``: `seq` restarts
    /// at 1 under a new id, so a consumer tells a restart from lost records.
    public let bridgeId: String

    /// The durable store every record goes to, under the bus lock and in `seq` order; forwarding
    /// sinks read it after commit. `nil` when the bridge runs without one.
    private let journal: (any FeedJournal)?

    /// - Parameters:
    ///   - bridgeId: `nil` mints a new random id (one per bridge process); tests and
    ///     replays that must produce identical output pass a fixed one.
    ///   - lastSeq: numbering continues after this (a store's last committed `seq` after a restart).
    ///   - journal: receives every record, in `seq` order, under the bus lock (the durable outbox).
    public init(bridgeId: String? = nil, lastSeq: UInt64 = 0, journal: (any FeedJournal)? = nil,
                logger: Logger = Logger(label: "bedside.bus")) {
        self.bridgeId = bridgeId ?? Self.mintBridgeId()
        self.logger = logger
        self.journal = journal
        state.withLock { $0.seq = lastSeq }
        publishedCounter = Counter(label: "bedside_feed_records_total")
        droppedCounter = Counter(label: "bedside_feed_subscriber_dropped_total")
    }

    // MARK: Sources

    /// Registers a port (or replay) that will publish records with `identity`.
    ///
    /// The bus completes the identity: ``DeviceIdentity/simulated`` is set for a simulated origin
    /// (it is never cleared for a device that says it is one), and ``DeviceIdentity/id`` is derived
    /// (from the port binding until the device reports its serial number).
    public func addSource(identity: DeviceIdentity, origin: FeedOrigin = .live) -> FeedSource {
        var identity = identity
        if origin == .simulated { identity.simulated = true }
        identity.assignID()
        let id = state.withLock { s -> Int in
            s.sources.append(SourceState(main: identity, replayed: origin == .replay))
            return s.sources.count - 1
        }
        return FeedSource(bus: self, index: id)
    }

    /// How many subscriptions are live.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The last `seq` handed out (0 before the first record).
    public var lastSeq: UInt64 { state.withLock { $0.seq } }

    func identity(of index: Int, subdevice: String?) -> DeviceIdentity {
        state.withLock { $0.sources[index].identity(subdevice: subdevice) }
    }

    func apply(_ update: DeviceIdentityUpdate, subdevice: String?, to index: Int) {
        state.withLock { $0.sources[index].apply(update, subdevice: subdevice) }
    }

    /// Publishes `observations` in order for source `index`; returns the `seq` of the last one.
    @discardableResult
    func publish<C: Collection>(_ observations: C, from index: Int) -> UInt64 where C.Element == Observation {
        guard !observations.isEmpty else { return state.withLock { $0.seq } }
        var dropped = 0
        let bridgeId = self.bridgeId
        let journal = self.journal
        let last = state.withLock { s -> UInt64 in
            let source = s.sources[index]
            var journaled: [FeedRecord] = []
            if journal != nil { journaled.reserveCapacity(observations.count) }
            defer { if let journal { journal.append(journaled) } }
            for observation in observations {
                s.seq += 1
                let record = FeedRecord(seq: s.seq, bridgeId: bridgeId,
                                        device: source.identity(subdevice: observation.subdevice),
                                        observation: observation, replayed: source.replayed)
                if journal != nil { journaled.append(record) }
                for i in s.subscribers.indices {
                    dropped += s.subscribers[i].offer(record) ? 0 : 1
                }
            }
            return s.seq
        }
        publishedCounter.increment(by: observations.count)
        if dropped > 0 { droppedCounter.increment(by: dropped) }
        return last
    }

    // MARK: Subscribers

    /// Subscribes to every record published from now on.
    ///
    /// - Parameters:
    ///   - name: shown in logs when this subscriber falls behind.
    ///   - bufferSize: records buffered for this subscriber before it starts losing records.
    public func subscribe(name: String, bufferSize: Int = FeedBus.defaultSubscriberBufferSize) -> FeedSubscription {
        precondition(bufferSize > 0, "a subscriber needs room for at least one record")
        let (stream, continuation) = AsyncStream<FeedEvent>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
        let id = state.withLock { s -> Int? in
            guard !s.finished else { return nil }
            s.nextSubscriberID += 1
            s.subscribers.append(Subscriber(id: s.nextSubscriberID, name: name, continuation: continuation))
            return s.nextSubscriberID
        }
        guard let id else {
            continuation.finish()  // the feed is over: an empty subscription
            return FeedSubscription(stream: stream, id: 0, bus: self)
        }
        continuation.onTermination = { [weak self] _ in self?.removeSubscriber(id) }
        return FeedSubscription(stream: stream, id: id, bus: self)
    }

    /// Records dropped so far for subscriber `id` (including those already reported as gaps).
    func droppedCount(of id: Int) -> Int {
        state.withLock { s in s.subscribers.first(where: { $0.id == id })?.totalDropped ?? s.droppedOfRemoved[id] ?? 0 }
    }

    private func removeSubscriber(_ id: Int) {
        state.withLock { s in
            guard let i = s.subscribers.firstIndex(where: { $0.id == id }) else { return }
            let sub = s.subscribers.remove(at: i)
            s.droppedOfRemoved[id] = sub.totalDropped
        }
    }

    /// Ends every subscription (after the records already buffered are read); later
    /// subscriptions end at once. Publish nothing after this.
    public func finish() {
        let subs = state.withLock { s -> [Subscriber] in
            s.finished = true
            return s.subscribers
        }
        for sub in subs {
            if sub.pendingGap != nil {
                logger.warning("subscriber '\(sub.name)' lost records at the end of the feed", metadata: [
                    "dropped": "\(sub.totalDropped)",
                ])
            }
            sub.continuation.finish()
        }
    }

    /// A new random bridge instance id: 16 lower-case hex digits (64 bits).
    public static func mintBridgeId() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next()
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: State

    private struct State {
        var seq: UInt64 = 0
        var finished = false
        var sources: [SourceState] = []
        var subscribers: [Subscriber] = []
        var nextSubscriberID = 0
        var droppedOfRemoved: [Int: Int] = [:]
    }

    /// One source's identities: the port's main device and each device behind it.
    private struct SourceState {
        var main: DeviceIdentity
        var subdevices: [String: DeviceIdentity] = [:]
        let replayed: Bool

        func identity(subdevice: String?) -> DeviceIdentity {
            guard let subdevice else { return main }
            return subdevices[subdevice] ?? derived(for: subdevice)
        }

        /// A device behind the port shares the port's binding (driver, port, location, zone,
        /// simulated) but not its model or serial number.
        func derived(for subdevice: String) -> DeviceIdentity {
            var identity = DeviceIdentity(driver: main.driver, vendor: main.vendor, port: main.port, portID: main.portID,
                                          location: main.location, subdevice: subdevice, timeZone: main.timeZone,
                                          simulated: main.simulated)
            identity.assignID()
            return identity
        }

        mutating func apply(_ update: DeviceIdentityUpdate, subdevice: String?) {
            guard let subdevice else { return main.apply(update) }
            var identity = identity(subdevice: subdevice)
            identity.apply(update)
            subdevices[subdevice] = identity
        }
    }

    private struct Subscriber {
        let id: Int
        let name: String
        let continuation: AsyncStream<FeedEvent>.Continuation
        /// Records dropped since the last gap marker was delivered.
        var pendingGap: FeedGap?
        var totalDropped = 0

        /// Offers a record; false if it was dropped. A pending gap goes first, so the subscriber
        /// learns about the loss at the exact place in the stream where it happened.
        mutating func offer(_ record: FeedRecord) -> Bool {
            if let gap = pendingGap {
                switch continuation.yield(.gap(gap)) {
                case .enqueued: pendingGap = nil
                case .dropped, .terminated: return drop(record)
                @unknown default: return drop(record)
                }
            }
            switch continuation.yield(.record(record)) {
            case .enqueued: return true
            case .terminated: return true  // removed on termination; nobody left to tell
            case .dropped: return drop(record)
            @unknown default: return drop(record)
            }
        }

        private mutating func drop(_ record: FeedRecord) -> Bool {
            totalDropped += 1
            if var gap = pendingGap {
                gap.droppedRecords += 1
                gap.lastSeq = record.seq
                pendingGap = gap
            } else {
                pendingGap = FeedGap(droppedRecords: 1, firstSeq: record.seq, lastSeq: record.seq)
            }
            return false
        }
    }
}

/// Where the bus hands every record it numbers: the durable outbox. `append` is
/// called under the bus lock, in `seq` order, and must not block (queue and return).
public protocol FeedJournal: Sendable {
    func append(_ records: [FeedRecord])
}

/// Where a source's records come from; stamped on each record so no consumer mistakes a
/// simulator or a recording for a patient at a bedside now.
public enum FeedOrigin: Sendable, Hashable {
    /// A real device on a real port.
    case live
    /// A simulator (`bedside demo`, `bedside simulate`): records carry `device.simulated`.
    case simulated
    /// A replayed recording: records carry `replayed`.
    case replay
}

/// A port's handle on the bus: publishes its observations under its device identity.
public struct FeedSource: Sendable {
    let bus: FeedBus
    let index: Int

    /// The identity records of the port's main device are currently stamped with.
    public var identity: DeviceIdentity { bus.identity(of: index, subdevice: nil) }

    /// The identity records of `subdevice` (a device behind the port) are stamped with.
    public func identity(subdevice: String?) -> DeviceIdentity { bus.identity(of: index, subdevice: subdevice) }

    /// Merges what the driver learned about the device into the identity of later records.
    public func apply(_ update: DeviceIdentityUpdate) { bus.apply(update, subdevice: nil, to: index) }

    /// Merges what the driver learned about a device behind the port.
    public func apply(_ update: DeviceIdentityUpdate, subdevice: String) { bus.apply(update, subdevice: subdevice, to: index) }

    /// Merges a driver output's identity facts (main device and subdevices).
    public func apply(identity: DeviceIdentityUpdate?, subdevices: [String: DeviceIdentityUpdate]) {
        if let identity { apply(identity) }
        for (key, update) in subdevices.sorted(by: { $0.key < $1.key }) { apply(update, subdevice: key) }
    }

    /// Publishes observations in order; returns the `seq` given to the last one.
    @discardableResult
    public func publish<C: Collection>(_ observations: C) -> UInt64 where C.Element == Observation {
        bus.publish(observations, from: index)
    }

    @discardableResult
    public func publish(_ observation: Observation) -> UInt64 {
        bus.publish(CollectionOfOne(observation), from: index)
    }
}

/// The records of one subscriber, as an async sequence of ``FeedEvent``s.
///
/// The subscription ends when the bus finishes, or when the consuming task is cancelled (which
/// also unsubscribes it).
public struct FeedSubscription: AsyncSequence, Sendable {
    public typealias Element = FeedEvent
    let stream: AsyncStream<FeedEvent>
    let id: Int
    let bus: FeedBus

    /// Records this subscriber lost so far because it fell behind.
    public var droppedRecords: Int { bus.droppedCount(of: id) }

    public func makeAsyncIterator() -> AsyncStream<FeedEvent>.AsyncIterator { stream.makeAsyncIterator() }
}
