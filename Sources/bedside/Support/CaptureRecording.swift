import BedsideModel
import BedsideRuntime

/// Opens a capture file for a live session.
func makeCaptureRecorder(path: String, driver: String, settings: SerialSettings, port: String,
                         clock: BridgeClock) throws -> any TrafficRecorder {
    throw CommandFailure("capture recording is not available yet in this build")
}
