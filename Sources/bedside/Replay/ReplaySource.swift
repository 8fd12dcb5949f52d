import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime
import BedsideSniffer

/// A recorded session opened for replay (``ReplayInput``, which streams it) with the driver type
/// from the runtime's catalog that decodes it.
struct ReplaySource {
    let input: ReplayInput
    let driverType: any DeviceDriver.Type

    init(input: ReplayInput, driverType: any DeviceDriver.Type, sniffed: SniffVerdict? = nil) {
        self.input = input
        self.driverType = driverType
        self.sniffed = sniffed
    }

    /// Opens `path` (`-` is standard input).
    ///
    /// - Parameters:
    ///   - forceRaw: treat the file as a raw rx-only dump whatever it looks like.
    ///   - driver: the driver named on the command line; required for a raw dump, optional for a
    ///     capture or log that names its own (then it must agree).
    static func open(path: String, forceRaw: Bool, driver: String?, rawStartTime: Timestamp? = nil) throws -> ReplaySource {
        let registry = DriverCatalog.registry
        var driver = driver
        var sniffed: SniffVerdict?
        if driver == nil, path != "-" {
            let start = try CaptureInput(path: path).peek(ProtocolSniffer.maximumBytes)
            if forceRaw || CaptureFormatSniffer.kind(ofPrefix: start) == .rawBytes {
                // A raw dump does not say what sent it: recognize the protocol from its bytes.
                let verdict = ProtocolSniffer.identify(start, candidates: DriverCatalog.sniffCandidates)
                guard let name = verdict.driverName else {
                    throw CommandFailure("\(path) is a raw byte dump, which does not say what sent it, and its protocol was not "
                                         + "recognized (\(verdict.explanation)): pass --driver (see `bedside drivers`)",
                                         exitStatus: .usage)
                }
                driver = name
                sniffed = verdict
            }
        }
        let input = try ReplayInput.open(path: path, forceRaw: forceRaw, driver: driver, rawStartTime: rawStartTime) { name in
            try registry.driverType(named: name).descriptor.defaultSerialSettings
        }
        return ReplaySource(input: input, driverType: try registry.driverType(named: input.driverName), sniffed: sniffed)
    }

    /// What the protocol sniffer recognized, when the driver was not given for a raw dump.
    var sniffed: SniffVerdict? = nil

    /// Driver options the recognized variant needs (Nonin's `format`), for options not given.
    var sniffedOptions: [String: String] { sniffed?.recognized?.options ?? [:] }

    var path: String { input.path }
    var kind: CaptureFormatSniffer.Kind { input.kind }
    var header: CaptureHeader { input.header }

    /// The records' `device` before the driver learns more (see ``ReplayInput/identity(driverVendor:)``).
    var identity: DeviceIdentity { input.identity(driverVendor: driverType.descriptor.vendor) }

    /// All chunks in memory (for the benchmark and the exporters).
    func allChunks() throws -> [CaptureChunk] { try input.allChunks() }
}
