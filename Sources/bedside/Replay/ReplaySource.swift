import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime
import Glibc

/// A file to replay, recognized by its content (``CaptureFormatSniffer``), with the driver that
/// decodes it.
///
/// A `.bbcap` capture is streamed from disk; imports (an IntelliVue serial log, a raw rx-only
/// dump) are converted to a ``Capture`` in memory first.
struct ReplaySource {
    enum Chunks {
        case stream(CaptureReader)
        case memory([CaptureChunk])
    }

    let path: String
    let kind: CaptureFormatSniffer.Kind
    let header: CaptureHeader
    let chunks: Chunks
    let driverType: any DeviceDriver.Type

    /// Opens `path`.
    ///
    /// - Parameters:
    ///   - forceRaw: treat the file as a raw rx-only dump whatever it looks like.
    ///   - driver: the driver named on the command line; required for a raw dump, optional for a
    ///     capture or log that names its own (then it must agree).
    static func open(path: String, forceRaw: Bool, driver: String?) throws -> ReplaySource {
        let registry = DriverCatalog.registry
        let kind: CaptureFormatSniffer.Kind = forceRaw ? .rawBytes : try CaptureFormatSniffer.kind(ofFileAt: path)
        switch kind {
        case .bbcap:
            let reader = try CaptureReader(path: path)
            let name = try agreeingDriver(given: driver, recorded: reader.header.driver, what: "the capture's header",
                                          path: path)
            return ReplaySource(path: path, kind: kind, header: reader.header, chunks: .stream(reader),
                                driverType: try registry.driverType(named: name))
        case .intelliVueSerialLog:
            let capture = try IntelliVueSerialLog.importLog(try readWholeFile(path), source: path)
            let name = try agreeingDriver(given: driver, recorded: capture.header.driver,
                                          what: "the file (an IntelliVue serial log)", path: path, rawHint: true)
            return ReplaySource(path: path, kind: kind, header: capture.header, chunks: .memory(capture.chunks),
                                driverType: try registry.driverType(named: name))
        case .rawBytes:
            guard let driver else {
                throw CommandFailure("\(path) is a raw byte dump, which does not say what sent it: pass --driver (see `bedside drivers`)")
            }
            let driverType = try registry.driverType(named: driver)
            // A dump has no timing: the import times it at the driver's line rate from 1970-01-01,
            // so the same file always replays to the same feed.
            let capture = try RawDumpImport.capture(
                contentsOf: path, settings: driverType.descriptor.defaultSerialSettings,
                startTime: Timestamp(nanosecondsSinceEpoch: 0), driver: driverType.descriptor.name)
            return ReplaySource(path: path, kind: kind, header: capture.header, chunks: .memory(capture.chunks),
                                driverType: driverType)
        }
    }

    /// What the records' `device` says before the driver learns more: the header's identity when
    /// it has one (vendor, location), else the driver's; the port the capture was recorded from,
    /// else the file. Nothing depends on the path the file was opened by, so a replay's output
    /// is the same from any directory.
    var identity: DeviceIdentity {
        let descriptor = driverType.descriptor
        var identity = header.device ?? DeviceIdentity(driver: descriptor.name, vendor: descriptor.vendor)
        identity.driver = descriptor.name
        if identity.vendor.isEmpty { identity.vendor = descriptor.vendor }
        identity.port = header.device?.port ?? header.port ?? path
        return identity
    }

    /// Whether the recording holds anything the host sent; without, the driver replays
    /// listen-only. A capture file is scanned only up to its first tx chunk.
    func hasTransmitChunks() throws -> Bool {
        switch chunks {
        case .memory(let chunks):
            return chunks.contains { $0.direction == .tx }
        case .stream:
            let scan = try CaptureReader(path: path)
            while let chunk = try scan.next() {
                if chunk.direction == .tx { return true }
            }
            return false
        }
    }

    /// All chunks in memory (for the benchmark, which replays them many times).
    func allChunks() throws -> [CaptureChunk] {
        switch chunks {
        case .memory(let chunks): return chunks
        case .stream(let reader):
            var all: [CaptureChunk] = []
            while let chunk = try reader.next() { all.append(chunk) }
            return all
        }
    }

    var kindDescription: String {
        switch kind {
        case .bbcap: "capture"
        case .intelliVueSerialLog: "IntelliVue serial log"
        case .rawBytes: "raw rx-only dump"
        }
    }

    private static func agreeingDriver(given: String?, recorded: String?, what: String, path: String,
                                       rawHint: Bool = false) throws -> String {
        switch (given, recorded) {
        case (nil, nil):
            throw CommandFailure("\(what) of \(path) does not name a driver: pass --driver (see `bedside drivers`)")
        case (let g?, nil):
            return g
        case (nil, let r?):
            return r
        case (let g?, let r?):
            guard g == r else {
                throw CommandFailure("--driver \(g) does not match \(what), which names \(r): "
                    + "leave --driver out or pass --driver \(r)"
                    + (rawHint ? " (or add --raw to decode its bytes as a raw dump with \(g))" : ""))
            }
            return g
        }
    }
}

/// Reads a whole file.
func readWholeFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno))); check the path and its permissions")
    }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else { throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))") }
        if n == 0 { return result }
        result += buffer[..<n]
    }
}
