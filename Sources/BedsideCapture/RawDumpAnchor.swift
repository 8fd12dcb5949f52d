import BedsideDriver
import BedsideModel

/// Finds where a raw dump belongs in time. A dump holds only the device's bytes, no host timing;
/// replayed from the epoch its records would claim to have been received in 1970. The device's
/// own clock says better: the dump is decoded from its start until the first value that carries
/// a device time, and the replay is then anchored so that value's receipt time is its device time.
public enum RawDumpAnchor {
    /// How far into a dump the anchor is looked for before giving up.
    public static let defaultByteLimit = 4 << 20

    /// The start time that puts the first device time of `chunks` at its own instant, or `nil`
    /// when none appears within `byteLimit` bytes. `chunks` must be timed from the epoch.
    public static func startTime(of chunks: any CaptureChunkSource, decodedBy driver: any DeviceDriver,
                                 byteLimit: Int = defaultByteLimit) throws -> Timestamp? {
        try probe(driver, chunks, byteLimit)
    }

    private static func probe<D: DeviceDriver>(_ driver: D, _ chunks: any CaptureChunkSource, _ byteLimit: Int) throws
        -> Timestamp?
    {
        var found: Timestamp?
        let epoch = Timestamp(nanosecondsSinceEpoch: 0)
        let take: (Observation) -> Void = { o in
            // An episodic value carries when it was measured, not when it was sent: no anchor.
            if found != nil { return }
            if case .numeric(let r) = o, r.episodic { return }
            guard let device = o.deviceTime else { return }
            found = Timestamp(nanosecondsSinceEpoch: device.instant.nanosecondsSinceEpoch - o.hostTime.nanoseconds(since: epoch))
        }
        var replay = OfflineReplay(driver: driver, startTime: epoch, observe: take)
        var bytes = 0
        while found == nil, bytes < byteLimit, let chunk = try chunks.next() {
            bytes += chunk.bytes.count
            chunk.bytes.withUnsafeBytes { replay.feed(chunk.direction, time: chunk.time, bytes: $0, observe: take) }
        }
        return found
    }
}
