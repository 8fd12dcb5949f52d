import BedsideModel
import BedsidePlatform
import Dispatch
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Metrics

/// The durable outbox: every feed record is committed to SQLite (WAL) before any forwarding sink
/// sees it, and the bridge's identity and `seq` survive restarts.
///
/// ``append(_:)`` never blocks: it queues the records and returns. One writer (a serial dispatch
/// queue) takes whatever has queued up — up to ``StoreConfiguration/maxBatch`` records — encodes
/// their feed lines, inserts them in one transaction together with every ``StoreStage``'s derived
/// rows, commits, and only then hands them to ``committed`` subscribers and stages' senders. Batching
/// is what makes `durability = .power` affordable: one fsync per batch.
///
/// The bus numbers records; the store only checks that they arrive in order. Open the store first
/// and start the bus after ``lastSeq`` under ``bridgeId``, so numbering continues across restarts.
public final class RecordStore: Sendable {
    public let configuration: StoreConfiguration
    /// This bridge's identity, minted on first start and kept in the database ever after.
    public let bridgeId: String
    /// Live hand-off of committed records.
    public let committed = CommittedFeed()

    private let pool: DatabasePool
    /// `flock` on `bedside.lock`: one bridge per data directory (two would number the same seqs).
    private let lockDescriptor: Int32
    private let writer = DispatchQueue(label: "bedside.store.writer")
    private let state: Locked<WriterState>
    private let stages = Locked<[any StoreStage]>([])
    private let logger: Logger
    private let recordsCounter = Counter(label: "bedside_store_records_total")
    private let commitTimer = Metrics.Timer(label: "bedside_store_commit_seconds")
    private let failureCounter = Counter(label: "bedside_store_commit_failures_total")
    private let sizeGauge = Gauge(label: "bedside_store_bytes")
    private let retainedGauge = Gauge(label: "bedside_store_retained_records")

    private struct WriterState {
        var queued: [FeedRecord] = []
        var draining = false
        var closed = false
        /// Highest seq committed.
        var lastSeq: UInt64
        /// Highest seq handed to append (committed or queued).
        var lastAppended: UInt64
        var firstRetained: UInt64?
        var storedBytes: Int64
        var lastRetention: UInt64 = DispatchTime.now().uptimeNanoseconds
        var waiters: [(UInt64, CheckedContinuation<Void, Never>)] = []
    }

    /// Opens (or creates) the store in the configured data directory.
    ///
    /// - Parameter newBridgeId: the id to mint if the database is new (`nil`: random).
    public init(configuration: StoreConfiguration, newBridgeId: @autoclosure () -> String,
                logger: Logger = Logger(label: "bedside.store")) throws(StoreError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let path = configuration.databasePath
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw .dataDirectory(path: configuration.dataDirectory, reason: "\(error.localizedDescription)")
        }
        let lockPath = (configuration.dataDirectory as NSString).appendingPathComponent("bedside.lock")
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .dataDirectory(path: configuration.dataDirectory, reason: "cannot create \(lockPath): errno \(errno)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw .busy(path: configuration.dataDirectory)
        }
        lockDescriptor = fd
        var config = Configuration()
        config.label = "bedside.store"
        let synchronous = configuration.durability == .power ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        config.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try StoreSchema.migrator.migrate(pool)
            let minted = newBridgeId()
            let opened = try pool.write { db -> (String, UInt64, Int64, UInt64?) in
                let meta = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta")
                    .map { (row: Row) in (row["key"] as String, row["value"] as String) })
                let id = meta["bridge_id"] ?? minted
                if meta["bridge_id"] == nil {
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('bridge_id', ?)", arguments: [id])
                }
                let maxSeq = try UInt64.fetchOne(db, sql: "SELECT MAX(seq) FROM records") ?? 0
                let last = max(UInt64(meta["last_seq"] ?? "0") ?? 0, maxSeq)
                let bytes = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(json)), 0) FROM records") ?? 0
                let first = try UInt64.fetchOne(db, sql: "SELECT MIN(seq) FROM records")
                return (id, last, bytes, first)
            }
            bridgeId = opened.0
            state = Locked(WriterState(lastSeq: opened.1, lastAppended: opened.1, firstRetained: opened.3,
                                       storedBytes: opened.2))
            sizeGauge.record(opened.2)
        } catch {
            Glibc.close(fd)
            throw .database(path: path, reason: "\(error)")
        }
        logger.info("store open", metadata: ["path": "\(path)", "bridgeId": "\(bridgeId)", "lastSeq": "\(lastSeq)"])
    }

    public convenience init(configuration: StoreConfiguration, logger: Logger = Logger(label: "bedside.store")) throws(StoreError) {
        try self.init(configuration: configuration, newBridgeId: RecordStore.mintBridgeId(), logger: logger)
    }

    /// A new random bridge id: 16 lower-case hex digits, as the bus mints them.
    public static func mintBridgeId() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = String(generator.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The last committed `seq` (0 when nothing was ever stored).
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// The oldest `seq` still stored, `nil` when the store is empty.
    public var firstRetainedSeq: UInt64? { state.withLock { $0.firstRetained } }

    /// Records queued but not yet committed.
    public var queuedCount: Int { state.withLock { $0.queued.count } }

    /// Bytes of feed JSON stored.
    public var storedBytes: Int64 { state.withLock { $0.storedBytes } }

    // MARK: Stages

    /// Adds a forwarding sink's stage; its tables are created now. Add stages before the first append.
    public func add(_ stage: any StoreStage) throws(StoreError) {
        do {
            try pool.write { db in try stage.prepare(db) }
        } catch {
            throw .database(path: configuration.databasePath, reason: "preparing \(stage.name): \(error)")
        }
        stages.withLock { $0.append(stage) }
    }

    // MARK: Writing

    /// Queues records for commit. Never blocks on the database; records must come in `seq` order,
    /// each after ``lastSeq``.
    public func append(_ records: [FeedRecord]) {
        guard let last = records.last else { return }
        let start = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            if let first = records.first, first.seq <= s.lastAppended {
                logger.error("record out of order dropped from the store", metadata: [
                    "seq": "\(first.seq)", "after": "\(s.lastAppended)",
                ])
                return false
            }
            s.queued.append(contentsOf: records)
            s.lastAppended = last.seq
            guard !s.draining else { return false }
            s.draining = true
            return true
        }
        if start { writer.async { self.drain() } }
    }

    /// Waits until every record appended so far is committed.
    public func flush() async {
        let target = state.withLock { $0.lastAppended }
        await waitForCommit(of: target)
    }

    /// Waits until `seq` is committed (returns at once if it is, or if the store is closed).
    public func waitForCommit(of seq: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.lastSeq >= seq || s.closed { return true }
                s.waiters.append((seq, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Commits what is queued, then refuses further appends and ends live subscriptions.
    public func close() async {
        await flush()
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            defer { s.waiters.removeAll() }
            return s.waiters.map(\.1)
        }
        waiters.forEach { $0.resume() }
        committed.finish()
        try? pool.close()
        releaseLock()
    }

    private let lockReleased = Locked(false)

    private func releaseLock() {
        if lockReleased.withLock({ r in defer { r = true }; return !r }) { Glibc.close(lockDescriptor) }
    }

    deinit { releaseLock() }

    private func drain() {
        let json = FeedJSONWriter()
        while true {
            let batch = state.withLock { s -> [FeedRecord]? in
                guard !s.queued.isEmpty else {
                    s.draining = false
                    return nil
                }
                let n = min(s.queued.count, configuration.maxBatch)
                defer { s.queued.removeFirst(n) }
                return Array(s.queued.prefix(n))
            }
            guard let batch else { return }
            var rows: [StoredRecord] = []
            rows.reserveCapacity(batch.count)
            var bytes = [UInt8]()
            for record in batch {
                bytes.removeAll(keepingCapacity: true)
                json.append(record, to: &bytes)
                rows.append(StoredRecord(record, json: bytes))
            }
            commitRetrying(batch, rows)
            maybeRunRetention()
        }
    }

    /// Commits one batch; on failure (disk full, I/O error) keeps it and retries with back-off —
    /// the records stay queued in memory meanwhile, and the failure is logged and counted.
    private func commitRetrying(_ batch: [FeedRecord], _ rows: [StoredRecord]) {
        var delay = 0.1
        let stages = self.stages.withLock { $0 }
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let last = rows[rows.count - 1].seq
                try pool.write { db in
                    let insert = try db.cachedStatement(sql: """
                        INSERT INTO records(seq, host_time_ns, kind, device_id, location, metric, json)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    for row in rows {
                        try insert.execute(arguments: [
                            Int64(row.seq), row.hostTimeNanoseconds, row.kind, row.deviceID, row.location, row.metric,
                            Data(row.json),
                        ])
                    }
                    try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('last_seq', ?)",
                                   arguments: [String(last)])
                    for stage in stages { try stage.stage(batch, in: db) }
                }
                commitTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                recordsCounter.increment(by: rows.count)
                let added = rows.reduce(Int64(0)) { $0 + Int64($1.json.count) }
                let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                    s.lastSeq = last
                    s.storedBytes += added
                    if s.firstRetained == nil { s.firstRetained = rows[0].seq }
                    var ready: [CheckedContinuation<Void, Never>] = []
                    s.waiters.removeAll { w in
                        guard w.0 <= last else { return false }
                        ready.append(w.1)
                        return true
                    }
                    return ready
                }
                committed.publish(rows)
                for stage in stages { stage.didCommit() }
                ready.forEach { $0.resume() }
                return
            } catch {
                failureCounter.increment()
                logger.error("store commit failed, retrying in \(delay) s: \(error)", metadata: [
                    "records": "\(rows.count)", "firstSeq": "\(rows[0].seq)",
                ])
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    // MARK: Retention

    private func maybeRunRetention() {
        let now = DispatchTime.now().uptimeNanoseconds
        let due = state.withLock { s -> Bool in
            let over = s.storedBytes > configuration.maxBytes
            guard over || now - s.lastRetention >= UInt64(configuration.retentionIntervalSeconds * 1e9) else { return false }
            s.lastRetention = now
            return true
        }
        if due { runRetention() }
    }

    /// Deletes records older than the age limit and, oldest first, beyond the size limit. Runs on
    /// the writer by itself every ``StoreConfiguration/retentionIntervalSeconds``; public for tests
    /// and the service's shutdown.
    @discardableResult
    public func runRetention(now: Timestamp = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e9))) -> Int {
        do {
            let (deleted, freed, first) = try pool.write { db -> (Int, Int64, UInt64?) in
                var deleted = 0
                var freed: Int64 = 0
                if let age = configuration.maxAgeSeconds {
                    let cutoff = now.nanosecondsSinceEpoch - Int64(age * 1e9)
                    freed += try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(json)), 0) FROM records WHERE host_time_ns < ?",
                                                arguments: [cutoff]) ?? 0
                    try db.execute(sql: "DELETE FROM records WHERE host_time_ns < ?", arguments: [cutoff])
                    deleted += db.changesCount
                }
                var stored = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(json)), 0) FROM records") ?? 0
                // Delete down to 90 % of the bound, so retention does not run on every commit.
                let target = configuration.maxBytes - configuration.maxBytes / 10
                while stored > target {
                    let rows = try Row.fetchAll(db, sql: "SELECT seq, length(json) AS n FROM records ORDER BY seq LIMIT 4096")
                    guard !rows.isEmpty else { break }
                    var cut: Int64 = 0
                    for row in rows {
                        cut = row["seq"]
                        stored -= row["n"] as Int64
                        freed += row["n"] as Int64
                        if stored <= target { break }
                    }
                    try db.execute(sql: "DELETE FROM records WHERE seq <= ?", arguments: [cut])
                    deleted += db.changesCount
                }
                let first = try UInt64.fetchOne(db, sql: "SELECT MIN(seq) FROM records")
                return (deleted, freed, first)
            }
            let bytes = state.withLock { s -> Int64 in
                s.storedBytes -= freed
                s.firstRetained = first
                return s.storedBytes
            }
            sizeGauge.record(bytes)
            if deleted > 0 {
                logger.info("retention deleted \(deleted) record(s)", metadata: ["firstRetained": "\(first.map(String.init) ?? "none")"])
            }
            return deleted
        } catch {
            logger.error("retention failed: \(error)")
            return 0
        }
    }

    // MARK: Reading

    /// Committed records after `seq` (exclusive), oldest first, at most `limit`, matching `filter`.
    public func records(after seq: UInt64, limit: Int = 1024, filter: RecordFilter = .all) throws -> [StoredRecord] {
        try pool.read { db in
            var sql = "SELECT seq, host_time_ns, kind, device_id, location, metric, json FROM records WHERE seq > ?"
            var arguments: StatementArguments = [Int64(seq)]
            func restrict(_ column: String, _ values: Set<String>) {
                guard !values.isEmpty else { return }
                sql += " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
                for v in values.sorted() { arguments += [v] }
            }
            restrict("kind", filter.kinds)
            restrict("device_id", filter.deviceIDs)
            restrict("location", filter.locations)
            restrict("metric", filter.metrics)
            sql += " ORDER BY seq LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredRecord(seq: UInt64(row["seq"] as Int64), kind: row["kind"], deviceID: row["device_id"],
                             location: row["location"], metric: row["metric"], hostTimeNanoseconds: row["host_time_ns"],
                             json: [UInt8](row["json"] as Data))
            }
        }
    }

    /// The latest records of one metric of one device, newest last (for "recent history").
    public func history(deviceID: String, metric: String, limit: Int) throws -> [StoredRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, host_time_ns, kind, device_id, location, metric, json FROM records
                WHERE device_id = ? AND metric = ? AND kind = 'numeric' ORDER BY seq DESC LIMIT ?
                """, arguments: [deviceID, metric, limit]).reversed().map { row in
                StoredRecord(seq: UInt64(row["seq"] as Int64), kind: row["kind"], deviceID: row["device_id"],
                             location: row["location"], metric: row["metric"], hostTimeNanoseconds: row["host_time_ns"],
                             json: [UInt8](row["json"] as Data))
            }
        }
    }

    // MARK: Sink cursors

    /// The last `seq` sink `name` has dealt with, `nil` if it never recorded one.
    public func cursor(of name: String) throws -> UInt64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sink_cursors WHERE sink = ?", arguments: [name]).map { UInt64($0) }
        }
    }

    /// Records sink `name`'s position (never moves it backwards).
    public func setCursor(_ seq: UInt64, of name: String) throws {
        try pool.write { db in try Self.setCursor(seq, of: name, in: db) }
    }

    /// The same, inside a transaction a stage or sink already holds.
    public static func setCursor(_ seq: UInt64, of name: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO sink_cursors(sink, seq) VALUES (?, ?)
            ON CONFLICT(sink) DO UPDATE SET seq = MAX(seq, excluded.seq)
            """, arguments: [name, Int64(seq)])
    }

    /// Runs `body` in a write transaction (for sinks that keep their own tables in the store).
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    /// Runs `body` on a read-only snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }
}
