import BedsidePlatform
import BedsideCapture
import BedsideModel
import Logging

/// The ``TrafficRecorder`` that writes a `.bbcap` capture file: every chunk a pipeline reads or
/// writes goes to a ``CaptureRecorder`` with the receipt or send time the pipeline stamped.
///
/// Each chunk is handed to the kernel before ``record(_:)`` returns (one `write(2)`, no `fsync`),
/// so a crash of the bridge loses nothing recorded so far and a serial line's few hundred writes
/// a second cost little. ``finish()`` flushes, syncs and closes the file (the runtime calls it
/// after the driver's stop request was written, also on Ctrl-C).
///
/// A write that fails (disk full, file system gone) does not stop the session: the live feed
/// matters more than its recording. It is logged once, later chunks are dropped, and
/// ``finish()`` throws it, so the command can say the capture is incomplete.
public final class CaptureFileRecorder: TrafficRecorder {
    public let recorder: CaptureRecorder
    private let logger: Logger
    private let state = Locked<(failure: CaptureError?, lastTime: Timestamp?)>((nil, nil))

    public var path: String { recorder.path }

    public init(recorder: CaptureRecorder, logger: Logger = Logger(label: "bedside.capture")) {
        self.recorder = recorder
        self.logger = logger
    }

    /// Creates a new capture file (never overwrites one) whose header says how the port was
    /// opened: driver, line settings, port path, the device identity known at the start (driver,
    /// vendor, port, location), and the start time.
    public static func create(path: String, driver: String, settings: SerialSettings, identity: DeviceIdentity,
                              note: String? = nil) throws(CaptureError) -> CaptureFileRecorder {
        let header = CaptureHeader(driver: driver, serialSettings: settings, port: identity.port, device: identity,
                                   startTime: Timestamp(nanosecondsSinceEpoch: 0), note: note)
        return CaptureFileRecorder(recorder: try CaptureRecorder.create(path: path, header: header))
    }

    /// Records `chunk`. Chunks are kept in call order; a chunk stamped earlier than the one before
    /// (bytes read before, but handled after, a timer that fired meanwhile) is stamped with the
    /// previous time, so the file's clock never goes backwards.
    public func record(_ chunk: CaptureChunk) {
        state.withLock { s in
            guard s.failure == nil else { return }
            let time = max(chunk.time, s.lastTime ?? chunk.time)
            s.lastTime = time
            do throws(CaptureError) {
                try recorder.record(chunk.direction, chunk.bytes, at: time)
            } catch {
                s.failure = error
                logger.error("recording stopped, the capture ends here: \(error)")
            }
        }
    }

    public func recordLineControl(_ text: String, at time: Timestamp) {
        state.withLock { s in
            guard s.failure == nil else { return }
            let stamped = max(time, s.lastTime ?? time)
            s.lastTime = stamped
            do throws(CaptureError) {
                try recorder.recordLineControl(text, at: stamped)
            } catch {
                s.failure = error
                logger.error("recording stopped, the capture ends here: \(error)")
            }
        }
    }

    public func finish() async throws {
        try recorder.close()
        if let error = state.withLock({ $0.failure }) { throw error }
    }
}
