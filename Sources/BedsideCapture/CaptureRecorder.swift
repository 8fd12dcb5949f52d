import BedsideModel
import BedsidePlatform

/// Records a live session into a ``CaptureWriter`` from any thread or task: the runtime calls
/// ``recordReceived(_:at:)`` for every read from the port and ``recordTransmitted(_:at:)`` for every
/// write, in the order they happened.
///
/// Times are the host's: pass the receipt time the pipeline already stamped, or `nil` to use the
/// recorder's clock, which is the wall time at creation advanced by the monotonic clock, so chunk
/// times never go backwards when NTP steps the wall clock during a long recording.
public final class CaptureRecorder: @unchecked Sendable {
    private let locked: Locked<CaptureWriter>
    private let clock: BridgeClock

    public let path: String
    public let header: CaptureHeader

    /// Takes over `writer` (do not use it directly any more).
    public convenience init(writer: CaptureWriter) {
        self.init(writer: writer, clock: BridgeClock())
    }

    private init(writer: CaptureWriter, clock: BridgeClock) {
        path = writer.path
        header = writer.header
        locked = Locked(writer)
        self.clock = clock
    }

    /// Creates a new capture file at `path` and records into it. The header's start time is
    /// replaced by the recorder's clock reading, so it and the chunk times share one clock.
    public static func create(path: String, header: CaptureHeader, options: CaptureWriter.Options = .init())
        throws(CaptureError) -> CaptureRecorder
    {
        let clock = BridgeClock()
        var h = header
        h.startTime = clock.now()
        return CaptureRecorder(writer: try CaptureWriter.create(path: path, header: h, options: options), clock: clock)
    }

    deinit {
        locked.withLock { try? $0.close() }
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
        // The clock is read under the lock: chunks are stamped in the order they are written.
        try locked.withLock { (writer: inout CaptureWriter) throws(CaptureError) in
            try writer.append(direction: direction, time: time ?? clock.now(), bytes: bytes)
        }
    }

    /// Records a line-control action the bridge took (an optional record readers skip).
    public func recordLineControl(_ text: String, at time: Timestamp? = nil) throws(CaptureError) {
        try locked.withLock { (writer: inout CaptureWriter) throws(CaptureError) in
            try writer.appendLineControl(text, time: time ?? clock.now())
        }
    }

    /// Chunks recorded so far.
    public var chunksRecorded: Int {
        locked.withLock { $0.chunksAppended }
    }

    /// Forces buffered records to disk (`fsync`).
    public func sync() throws(CaptureError) {
        try locked.withLock { (writer: inout CaptureWriter) throws(CaptureError) in try writer.sync() }
    }

    /// Flushes, syncs and closes the file; later records throw ``CaptureError/closed(path:)``.
    public func close() throws(CaptureError) {
        try locked.withLock { (writer: inout CaptureWriter) throws(CaptureError) in try writer.close() }
    }
}

