import BedsideModel

/// A recorded serial session: what the port was, and every chunk of bytes in either direction
/// with the host time it was read or written. The on-disk format is in docs/capture-format.md.
public struct Capture: Sendable {
    public var header: CaptureHeader
    public var chunks: [CaptureChunk]

    public init(header: CaptureHeader, chunks: [CaptureChunk]) {
        self.header = header
        self.chunks = chunks
    }
}

/// Facts about a capture that do not change while recording.
public struct CaptureHeader: Hashable, Sendable {
    /// Version of the capture format that wrote the file.
    public var formatVersion: Int
    /// Registry name of the driver that speaks this session's protocol (may be `nil` for an import
    /// whose protocol is unknown).
    public var driver: String?
    /// Line settings at the time of recording, when known.
    public var serialSettings: SerialSettings?
    /// The port path or source file it was recorded from.
    public var port: String?
    /// What is known about the device (vendor, model, serial).
    public var device: DeviceIdentity?
    /// Wall-clock time when recording started.
    public var startTime: Timestamp
    /// Free text: where the capture came from, what it shows.
    public var note: String?

    public init(formatVersion: Int = CaptureHeader.currentFormatVersion, driver: String?, serialSettings: SerialSettings?,
                port: String?, device: DeviceIdentity? = nil, startTime: Timestamp, note: String? = nil) {
        self.formatVersion = formatVersion
        self.driver = driver
        self.serialSettings = serialSettings
        self.port = port
        self.device = device
        self.startTime = startTime
        self.note = note
    }

    public static let currentFormatVersion = 1
}

/// Bytes that crossed the port in one direction at one time.
public struct CaptureChunk: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable {
        /// Device → host (what the bridge read).
        case rx
        /// Host → device (what the bridge wrote).
        case tx
    }

    public var time: Timestamp
    public var direction: Direction
    public var bytes: [UInt8]

    public init(time: Timestamp, direction: Direction, bytes: [UInt8]) {
        self.time = time
        self.direction = direction
        self.bytes = bytes
    }
}
