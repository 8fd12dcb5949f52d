import BedsideDiscovery
import BedsideFeedService
import BedsideHTTPService
import BedsideMLLP
import BedsideModel
import BedsideStore

/// The bridge's service configuration: one file (docs/configuration.md) with a section per
/// concern: `bridge` (service-wide settings), `ports` (bindings), and forwarding: `store` (the
/// durable outbox), `feed`, `http` and `hl7` (the sinks reading it). See ``ConfigurationSection``.
public struct BridgeConfiguration: Sendable {
    /// The file it was read from (for messages).
    public var file: String
    public var bridge: BridgeSettings
    /// Bindings in file order; their index + 1 is how `bedside ports` names them.
    public var ports: [PortBinding]
    /// The durable store every sink reads from (`nil`: records go to stdout only).
    public var store: StoreConfiguration?
    /// The live feed service: one for the whole bridge, serving every bound port.
    public var feed: FeedServiceConfiguration?
    public var http: HTTPServiceConfiguration?
    /// HL7 receivers in file order.
    public var hl7: [HL7ReceiverConfiguration] = []
    /// Line of each sink section (for the "needs a store" message).
    var sinkLines: [String: Int] = [:]

    public init(file: String, bridge: BridgeSettings = BridgeSettings(), ports: [PortBinding] = []) {
        self.file = file
        self.bridge = bridge
        self.ports = ports
    }

    /// Each binding's match, in order (what ``PortBindingResolver`` takes).
    public var rules: [PortMatch] { ports.map(\.match) }
}

/// The `bridge` section: defaults for every port and how the service behaves.
public struct BridgeSettings: Hashable, Sendable {
    /// The IANA zone device clocks are read in unless a binding names its own (`nil`: the host's).
    public var timeZone: String?
    /// Claim ports for the bridge alone (lock file, flock, TIOCEXCL). Off only where the tty
    /// refuses it (umockdev's emulated ttys).
    public var exclusive: Bool = true
    /// Seconds between reopen attempts of a port that failed or hung up.
    public var retrySeconds: Double = 2
    /// Seconds between snapshots re-stating every current value (`nil`: the default; 0: none).
    public var snapshotSeconds: Double?

    public init() {}
}

/// A `ports` entry: which port, which driver, how, and where it is.
public struct PortBinding: Hashable, Sendable {
    /// Line of the entry in the file.
    public var line: Int
    public var match: PortMatch
    /// Driver registry name (`bedside drivers`).
    public var driver: String
    /// The chair or bed, carried in every record (`device.location`).
    public var location: String
    /// Driver-specific options, checked against the driver's declaration.
    public var options: [String: String] = [:]
    /// Line settings that differ from the driver's defaults.
    public var lineSettings = LineSettingsOverride()
    /// The zone this device's clock keeps (`nil`: the bridge section's, else the host's).
    public var timeZone: String?
    /// Requested update interval in seconds, where the protocol lets the host choose.
    public var intervalSeconds: Int?
    public var waveforms: Bool = true
    /// Only listen, never transmit.
    public var listenOnly: Bool = false
    /// A capture file recording every session of this port (rotated to a free name when it exists).
    public var capture: String?
    /// The device is one of the bridge's simulators (`bedside simulate`): every record says so.
    public var simulated: Bool = false

    public init(line: Int, match: PortMatch, driver: String, location: String) {
        self.line = line
        self.match = match
        self.driver = driver
        self.location = location
    }
}

/// Line settings given in a binding; what is `nil` comes from the driver.
public struct LineSettingsOverride: Hashable, Sendable {
    public var baudRate: Int?
    public var dataBits: Int?
    public var parity: SerialSettings.Parity?
    public var stopBits: Int?
    public var flowControl: SerialSettings.FlowControl?

    public init() {}

    public func applied(to defaults: SerialSettings) -> SerialSettings {
        var s = defaults
        if let baudRate { s.baudRate = baudRate }
        if let dataBits { s.dataBits = dataBits }
        if let parity { s.parity = parity }
        if let stopBits { s.stopBits = stopBits }
        if let flowControl { s.flowControl = flowControl }
        return s
    }
}
