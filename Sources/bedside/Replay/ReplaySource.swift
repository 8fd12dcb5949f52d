import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime

/// A recorded session opened for replay (``ReplayInput``, which streams it) with the driver type
/// from the runtime's catalog that decodes it.
struct ReplaySource {
    let input: ReplayInput
    let driverType: any DeviceDriver.Type

    /// Opens `path` (`-` is standard input).
    ///
    /// - Parameters:
    ///   - forceRaw: treat the file as a raw rx-only dump whatever it looks like.
    ///   - driver: the driver named on the command line; required for a raw dump, optional for a
    ///     capture or log that names its own (then it must agree).
    static func open(path: String, forceRaw: Bool, driver: String?, rawStartTime: Timestamp? = nil) throws -> ReplaySource {
        let registry = DriverCatalog.registry
        let input = try ReplayInput.open(path: path, forceRaw: forceRaw, driver: driver, rawStartTime: rawStartTime) { name in
            try registry.driverType(named: name).descriptor.defaultSerialSettings
        }
        return ReplaySource(input: input, driverType: try registry.driverType(named: input.driverName))
    }

    var path: String { input.path }
    var kind: CaptureFormatSniffer.Kind { input.kind }
    var header: CaptureHeader { input.header }

    /// The records' `device` before the driver learns more (see ``ReplayInput/identity(driverVendor:)``).
    var identity: DeviceIdentity { input.identity(driverVendor: driverType.descriptor.vendor) }

    /// All chunks in memory (for the benchmark and the exporters).
    func allChunks() throws -> [CaptureChunk] { try input.allChunks() }
}
