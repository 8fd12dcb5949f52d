import BedsideModel

/// A recorded session opened for replay: a file, or standard input (`-`), recognized by its
/// content (``CaptureFormatSniffer``) and streamed chunk by chunk in bounded memory, whatever its
/// size: a `.bbcap` capture, an IntelliVue serial log, or a raw rx-only dump.
///
/// It also decides which driver decodes it: the one the capture or log names, or the one given;
/// a raw dump must be given one. Looking the name up is the caller's (the driver catalog lives in
/// the runtime).
public final class ReplayInput {
    /// The path as given (`-` for standard input).
    public let path: String
    public let kind: CaptureFormatSniffer.Kind
    /// The registry name of the driver that decodes the session.
    public let driverName: String
    /// The chunks, streamed.
    public let chunks: any CaptureChunkSource
    /// Set when the input could not be scanned ahead to its end for tx chunks (a pipe): what
    /// ``hasTransmitChunks()`` decided from the start of the input.
    public private(set) var transmitScanNote: String?

    private let input: CaptureInput

    public var header: CaptureHeader { chunks.header }
    /// Byte ranges skipped so far (damaged or cut short), in input order.
    public var warnings: [CaptureWarning] { chunks.warnings }

    private init(path: String, kind: CaptureFormatSniffer.Kind, driverName: String, chunks: any CaptureChunkSource,
                 input: CaptureInput) {
        self.path = path
        self.kind = kind
        self.driverName = driverName
        self.chunks = chunks
        self.input = input
    }

    /// Opens `path` (`-` is standard input) for replay.
    ///
    /// - Parameters:
    ///   - forceRaw: treat the input as a raw rx-only dump whatever it looks like.
    ///   - driver: the driver named on the command line; required for a raw dump, optional for a
    ///     capture or log that names its own (then it must agree).
    ///   - rawLineSettings: the line settings of a driver, for timing a raw dump (which has none).
    /// - Throws: ``ReplayInputError`` when the driver is missing or contradicts the file,
    ///   ``CaptureError`` when the input cannot be read or its header is damaged,
    ///   ``IntelliVueSerialLog/ImportError`` when a log holds no frame at all, and whatever
    ///   `rawLineSettings` throws.
    ///   - rawStartTime: when a raw dump's first byte was received (``RawDumpAnchor`` finds it
    ///     from the device's clock); the epoch when not given.
    public static func open(path: String, forceRaw: Bool, driver: String?, rawStartTime: Timestamp? = nil,
                            rawLineSettings: (String) throws -> SerialSettings) throws -> ReplayInput {
        let input = try CaptureInput(path: path)
        let kind: CaptureFormatSniffer.Kind = forceRaw ? .rawBytes : try CaptureFormatSniffer.kind(of: input)
        switch kind {
        case .bbcap:
            let reader = try CaptureReader(input: input)
            let name = try agreeingDriver(given: driver, recorded: reader.header.driver, what: "the capture's header", path: path)
            return ReplayInput(path: path, kind: kind, driverName: name, chunks: reader, input: input)
        case .intelliVueSerialLog:
            let reader = try IntelliVueSerialLogReader(input: input, source: path)
            let name = try agreeingDriver(given: driver, recorded: reader.header.driver,
                                          what: "the file (an IntelliVue serial log)", path: path, rawHint: true)
            return ReplayInput(path: path, kind: kind, driverName: name, chunks: reader, input: input)
        case .rawBytes:
            guard let driver else { throw ReplayInputError.rawDumpNeedsDriver(path: path) }
            // A dump has no timing: it is timed at the driver's line rate from its start time, so the
            // same bytes always replay to the same feed.
            let reader = RawDumpReader(input: input, settings: try rawLineSettings(driver),
                                       startTime: rawStartTime ?? Timestamp(nanosecondsSinceEpoch: 0), driver: driver,
                                       source: path)
            return ReplayInput(path: path, kind: kind, driverName: driver, chunks: reader, input: input)
        }
    }

    /// What the records' `device` says before the driver learns more: the header's identity when
    /// it has one (vendor, location), else the driver's; the port the capture was recorded from,
    /// else the path. Nothing depends on the directory the replay runs in.
    public func identity(driverVendor: String) -> DeviceIdentity {
        var identity = header.device ?? DeviceIdentity(driver: driverName, vendor: driverVendor)
        identity.driver = driverName
        if identity.vendor.isEmpty { identity.vendor = driverVendor }
        identity.port = header.device?.port ?? header.port ?? path
        return identity
    }

    /// Whether the recording holds anything the host sent; without, the driver replays
    /// listen-only. A capture file is scanned by a second reader up to its first tx chunk; an
    /// input that cannot be read twice (a pipe) is judged by the records in its first 4 MiB
    /// (then ``transmitScanNote`` says so). Logs and raw dumps hold only what the device sent.
    public func hasTransmitChunks() throws(CaptureError) -> Bool {
        guard kind == .bbcap, let reader = chunks as? CaptureReader else { return false }
        if input.isRegularFile, let again = input.reopenPath {
            let scan = try CaptureReader(path: again)
            while let chunk = try scan.next() {
                if chunk.direction == .tx { return true }
            }
            return false
        }
        if let found = try reader.transmitRecordInLookahead() { return found }
        transmitScanNote = "\(input.name) cannot be read twice and holds no tx chunk in its first 4 MiB: replaying listen-only"
        return false
    }

    /// Whether the input can be opened again from its start (a regular file, not a pipe).
    public var canReopen: Bool { input.isRegularFile && input.reopenPath != nil }

    /// Every remaining chunk in memory (for the benchmark and the exporters, which need them all).
    public func allChunks() throws(CaptureError) -> [CaptureChunk] {
        var all: [CaptureChunk] = []
        while let chunk = try chunks.next() { all.append(chunk) }
        return all
    }

    /// "capture", "IntelliVue serial log" or "raw rx-only dump".
    public var kindDescription: String {
        switch kind {
        case .bbcap: "capture"
        case .intelliVueSerialLog: "IntelliVue serial log"
        case .rawBytes: "raw rx-only dump"
        }
    }

    private static func agreeingDriver(given: String?, recorded: String?, what: String, path: String,
                                       rawHint: Bool = false) throws(ReplayInputError) -> String {
        switch (given, recorded) {
        case (nil, nil): throw .noDriverNamed(what: what, path: path)
        case (let g?, nil): return g
        case (nil, let r?): return r
        case (let g?, let r?):
            guard g == r else { throw .driverMismatch(given: g, recorded: r, what: what, rawHint: rawHint) }
            return g
        }
    }
}

/// Why an input cannot be replayed with the driver asked for; each says what to pass instead.
public enum ReplayInputError: Error, Equatable, CustomStringConvertible {
    /// A raw dump does not say what sent it.
    case rawDumpNeedsDriver(path: String)
    /// A capture or log whose header names no driver, and none given.
    case noDriverNamed(what: String, path: String)
    /// The driver given contradicts the one the file names.
    case driverMismatch(given: String, recorded: String, what: String, rawHint: Bool)

    public var description: String {
        switch self {
        case .rawDumpNeedsDriver(let path):
            "\(path) is a raw byte dump, which does not say what sent it: pass --driver (see `bedside drivers`)"
        case .noDriverNamed(let what, let path):
            "\(what) of \(path) does not name a driver: pass --driver (see `bedside drivers`)"
        case .driverMismatch(let g, let r, let what, let rawHint):
            "--driver \(g) does not match \(what), which names \(r): leave --driver out or pass --driver \(r)"
                + (rawHint ? " (or add --raw to decode its bytes as a raw dump with \(g))" : "")
        }
    }
}
