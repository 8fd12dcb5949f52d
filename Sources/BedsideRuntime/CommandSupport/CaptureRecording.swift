import BedsidePlatform
import BedsideCapture
import BedsideModel
import Glibc

/// The capture file of a live session (`run --capture`, `capture --output`) and whether it was
/// completed.
///
/// The pipelines complete the capture themselves and only log a failure; this keeps the outcome so
/// the command can end with ``BridgeExitStatus/captureIncomplete`` instead of reporting success.
public final class SessionCapture: TrafficRecorder {
    public let file: CaptureFileRecorder
    private let failure = Locked<(any Error)?>(nil)

    public var path: String { file.path }
    public var chunksRecorded: Int { Int(file.recorder.chunksRecorded) }

    /// The error that left the capture incomplete, once it was finished.
    public var completionError: (any Error)? { failure.withLock { $0 } }

    /// Creates the capture file.
    ///
    /// - Parameter rotate: when `path` exists, write to the first free name `NAME-1.bbcap`,
    ///   `NAME-2.bbcap`, … instead of refusing (a service restarted with the same command line
    ///   keeps every session, each in its own file).
    public init(path: String, rotate: Bool, driver: String, vendor: String, settings: SerialSettings, port: String,
                location: String?, timeZone: String? = nil, driverOptions: String) throws {
        let chosen = rotate ? Self.firstFreeName(for: path) : path
        let identity = DeviceIdentity(driver: driver, vendor: vendor, port: port, location: location, timeZone: timeZone)
        do {
            file = try CaptureFileRecorder.create(
                path: chosen, driver: driver, settings: settings, identity: identity,
                note: "recorded by bedside from \(port)" + (driverOptions.isEmpty ? "" : "; driver options: \(driverOptions)"))
        } catch .alreadyExists(let existing) {
            throw CommandFailure("capture \(existing) already exists and is never overwritten: choose another name, "
                                 + "or add --rotate-capture to write to the next free name (\(Self.rotatedName(for: existing, index: 1)), …)")
        }
    }

    public func record(_ chunk: CaptureChunk) { file.record(chunk) }

    public func finish() async throws {
        do { try await file.finish() } catch {
            failure.withLock { $0 = error }
            throw error
        }
    }

    /// `path` if it is free, else `NAME-1.EXT`, `NAME-2.EXT`, … (the first that does not exist).
    public static func firstFreeName(for path: String) -> String {
        guard exists(path) else { return path }
        var index = 1
        while exists(rotatedName(for: path, index: index)) { index += 1 }
        return rotatedName(for: path, index: index)
    }

    /// `session.bbcap` → `session-2.bbcap`; a name without an extension gets `-2` at its end.
    public static func rotatedName(for path: String, index: Int) -> String {
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), dot > (slash ?? path.startIndex), dot != path.startIndex,
           slash.map({ path.index(after: $0) != dot }) ?? true {
            return String(path[..<dot]) + "-\(index)" + String(path[dot...])
        }
        return path + "-\(index)"
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
