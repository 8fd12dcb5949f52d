import BedsideCapture
import BedsideModel

/// Receives every chunk a pipeline reads from or writes to its port, in order, for a capture file.
///
/// `record` is called on the pipeline's hot path and must not block on disk; implementations
/// buffer and write in the background. `finish` flushes everything and closes the file; the
/// pipeline calls it after the driver's stop bytes were written.
public protocol TrafficRecorder: Sendable {
    func record(_ chunk: CaptureChunk)
    /// A line-control action the pipeline carried out for the driver (`DTR on`), at `time`.
    func recordLineControl(_ text: String, at time: Timestamp)
    func finish() async throws
}

extension TrafficRecorder {
    /// Recorders that keep only traffic ignore line control.
    public func recordLineControl(_ text: String, at time: Timestamp) {}
}
