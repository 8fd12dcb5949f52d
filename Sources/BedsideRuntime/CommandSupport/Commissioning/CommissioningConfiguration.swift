import BedsideConfig
import BedsideDiscovery
import Foundation

/// Where the commissioning commands find the service's configuration.
public enum CommissioningConfiguration {
    /// The file the systemd unit in dist/ runs with.
    public static let defaultPath = "/etc/bedside/bedside.yaml"

    /// The configuration at `path`, or at ``defaultPath`` when none is given and it exists;
    /// `nil` when there is none to read.
    ///
    /// - Throws: ``CommandFailure`` with every problem of the file, line by line.
    public static func load(_ path: String?) throws(CommandFailure) -> BridgeConfiguration? {
        guard let path = path ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil) else { return nil }
        do {
            return try ConfigurationLoader.load(path: path, registry: DriverCatalog.registry)
        } catch {
            throw CommandFailure(error.description, exitStatus: .usage)
        }
    }

    /// A `bedside verify` expectations file.
    public static func loadPlan(_ path: String) throws(CommandFailure) -> VerificationPlan {
        do { return try VerificationPlan.load(path: path) } catch {
            throw CommandFailure(error.description, exitStatus: .usage)
        }
    }

    /// The ports udev lists, as a command failure when udev cannot be used.
    public static func enumeratePorts() throws(CommandFailure) -> [SerialPortInfo] {
        do { return try SerialPortEnumerator.enumerate() } catch { throw CommandFailure(error.description) }
    }
}
