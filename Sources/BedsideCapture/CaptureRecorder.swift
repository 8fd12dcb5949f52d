import BedsideModel
import Glibc

/// Records a live session into a ``CaptureWriter`` from any thread or task: the runtime calls
/// ``recordReceived(_:at:)`` for every read from the port and ``recordTransmitted(_:at:)`` for every
/// write, in the order they happened.
///
/// Times are the host's: pass the receipt time the pipeline already stamped, or `nil` to use the
/// recorder's clock, which is the wall time at creation advanced by the monotonic clock, so chunk
/// times never go backwards when NTP steps the wall clock during a long recording.
public final class CaptureRecorder: @unchecked Sendable {
    // @unchecked: every access to `writer` and `clock` goes through `mutex`.
    private let writer: CaptureWriter
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let clock: HostClock

    public var path: String { writer.path }
    public var header: CaptureHeader { writer.header }

    /// Takes over `writer` (do not use it directly any more).
    public convenience init(writer: CaptureWriter) {
        self.init(writer: writer, clock: HostClock())
    }

    private init(writer: CaptureWriter, clock: HostClock) {
        self.writer = writer
        self.clock = clock
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    /// Creates a new capture file at `path` and records into it. The header's start time is
    /// replaced by the recorder's clock reading, so it and the chunk times share one clock.
    public static func create(path: String, header: CaptureHeader, options: CaptureWriter.Options = .init())
        throws(CaptureError) -> CaptureRecorder
    {
        let clock = HostClock()
        var h = header
        h.startTime = clock.now()
        return CaptureRecorder(writer: try CaptureWriter.create(path: path, header: h, options: options), clock: clock)
    }

    deinit {
        try? writer.close()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The recorder's clock (wall time at creation + monotonic time since).
    public func now() -> Timestamp { clock.now() }

    public func recordReceived(_ bytes: UnsafeRawBufferPointer, at time: Timestamp? = nil) throws(CaptureError) {
        try record(.rx, bytes, at: time)
    }

    public func recordTransmitted(_ bytes: UnsafeRawBufferPointer, at time: Timestamp? = nil) throws(CaptureError) {
        try record(.tx, bytes, at: time)
    }

    public func record(_ direction: CaptureChunk.Direction, _ bytes: [UInt8], at time: Timestamp? = nil)
        throws(CaptureError)
    {
        try bytes.withUnsafeBytes { raw in Result { () throws(CaptureError) in try record(direction, raw, at: time) } }.get()
    }

    public func record(_ direction: CaptureChunk.Direction, _ bytes: UnsafeRawBufferPointer, at time: Timestamp? = nil)
        throws(CaptureError)
    {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        try writer.append(direction: direction, time: time ?? clock.now(), bytes: bytes)
    }

    /// Records a line-control action the bridge took (an optional record readers skip).
    public func recordLineControl(_ text: String, at time: Timestamp? = nil) throws(CaptureError) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        try writer.appendLineControl(text, time: time ?? clock.now())
    }

    /// Chunks recorded so far.
    public var chunksRecorded: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return writer.chunksAppended
    }

    /// Forces buffered records to disk (`fsync`).
    public func sync() throws(CaptureError) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        try writer.sync()
    }

    /// Flushes, syncs and closes the file; later records throw ``CaptureError/closed(path:)``.
    public func close() throws(CaptureError) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        try writer.close()
    }
}

/// Wall time at creation advanced by the monotonic clock.
struct HostClock: Sendable {
    private let wallAtStart: Int64
    private let monotonicAtStart: Int64

    init() {
        wallAtStart = Self.read(CLOCK_REALTIME)
        monotonicAtStart = Self.read(CLOCK_MONOTONIC)
    }

    func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: wallAtStart + (Self.read(CLOCK_MONOTONIC) - monotonicAtStart))
    }

    private static func read(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
