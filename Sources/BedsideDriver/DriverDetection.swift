import BedsideModel

/// How `bedside probe` may find out whether a port speaks a driver's protocol, declared by each
/// driver in its ``DriverDescriptor``.
///
/// Only two things are allowed: listening at the protocol's usual line settings, or sending a
/// request the protocol defines as read-only (a single data request, an association request).
/// Never bytes a device could take as a setting change. The probe decides whether the device
/// answered with the driver's own decoder (``DetectionListener``), so recognition is exactly as
/// strict as a real session.
public struct DriverDetection: Sendable, Hashable {
    public enum Approach: Sendable, Hashable {
        /// Not declared: the probe skips this driver.
        case none
        /// Listen only, for devices that send unasked.
        case listen
        /// Send these bytes once (a complete, framed request) and listen for the answer.
        case request([UInt8])
    }

    public var approach: Approach
    /// What the probe does, in a few words, for its report ("one displayed-values request").
    public var summary: String
    /// Line settings to probe at (`nil`: the driver's ``DriverDescriptor/defaultSerialSettings``).
    public var settings: SerialSettings?
    /// How long an answer may take.
    public var answerWithinNanoseconds: Int64
    /// Bytes sent after an answer, to leave the device as it was (an association release).
    public var farewell: [UInt8]
    /// What the protocol sniffer needs to recognize this protocol in bytes it only reads (a
    /// recording, or a device already talking): one entry per variant. Empty: the sniffer does
    /// not try it on a recording, and a probe listening for it asks for three checked frames.
    public var sniffing: [SniffEvidence]

    public init(approach: Approach, summary: String, settings: SerialSettings? = nil,
                answerWithinNanoseconds: Int64 = 3_000_000_000, farewell: [UInt8] = [],
                sniffing: [SniffEvidence] = []) {
        self.approach = approach
        self.summary = summary
        self.settings = settings
        self.answerWithinNanoseconds = answerWithinNanoseconds
        self.farewell = farewell
        self.sniffing = sniffing
    }

    /// The default for drivers that declare nothing: `bedside probe` skips them.
    public static let notDeclared = DriverDetection(approach: .none, summary: "no detection declared", answerWithinNanoseconds: 0)

    /// The bytes sent first (none when listening).
    public var request: [UInt8] {
        if case .request(let bytes) = approach { return bytes }
        return []
    }
}

/// How the sniffer recognizes one variant of a protocol: the driver options that select it
/// (Nonin's `format=2`) and how many checked frames (lines, packets, records) must pass, chosen so
/// that this many passing the driver's checks by chance is out of the question (each frame carries
/// a checksum or a strict grammar; the protocol's README says which).
public struct SniffEvidence: Sendable, Hashable {
    public var options: [String: String]
    public var framesNeeded: Int

    public init(options: [String: String] = [:], framesNeeded: Int) {
        self.options = options
        self.framesNeeded = framesNeeded
    }
}

/// Decides whether bytes read during a probe are the driver's protocol, by feeding them to a fresh
/// instance of the driver that never transmits: the device answered when the driver accepted at
/// least one frame (its `frames.ok` counter), and any identity it decoded is kept.
public struct DetectionListener: Sendable {
    private var driver: any DeviceDriver
    private var output = DriverOutput()
    public private(set) var framesAccepted = 0
    public private(set) var bytesReceived = 0
    public private(set) var checksumErrors = 0
    public private(set) var identity = DeviceIdentityUpdate()

    public init(driver type: any DeviceDriver.Type, start: Timestamp) {
        driver = type.init(configuration: DriverConfiguration(transmitEnabled: false, waveformsEnabled: false,
                                                              snapshotIntervalNanoseconds: nil))
        driver.start(now: start, into: &output)
        absorb()
    }

    /// Whether the driver recognized its protocol in what arrived.
    public var answered: Bool { framesAccepted > 0 }

    public mutating func receive(_ bytes: [UInt8], now: Timestamp) {
        bytesReceived += bytes.count
        driver.receive(bytes, now: now, into: &output)
        absorb()
    }

    private mutating func absorb() {
        framesAccepted += output.counters[.framesAccepted] ?? 0
        checksumErrors += output.counters[.checksumErrors] ?? 0
        if let update = output.identity {
            if let v = update.model { identity.model = v }
            if let v = update.serialNumber { identity.serialNumber = v }
            if let v = update.softwareVersion { identity.softwareVersion = v }
        }
        output.reset()
    }
}
