import BedsideHL7

/// One HL7 receiver (an interface engine's MLLP listener) the bridge sends IHE PCD messages to.
///
/// Filled from `--hl7 HOST:PORT` or an entry of the service file's `hl7` list; ``validate()`` names
/// what is wrong.
public struct HL7ReceiverConfiguration: Sendable, Hashable {
    /// What the bridge does with a message the receiver did not accept.
    public enum NegativeAckAction: String, Sendable, Hashable, CaseIterable {
        /// Send the same bytes again later (back-off), up to ``HL7ReceiverConfiguration/maxAttempts``, then park.
        case retry
        /// Park it at once with the receiver's reason and go on with the next.
        case park
    }

    /// Unique per bridge: names the receiver in logs, metrics, health and the outbox (`hl7:<name>`).
    public var name: String
    public var host: String
    public var port: Int
    /// MSH-3…6, PV1 location parts; the EUI-64 is the bridge's (see ``bridgeEUI64(bridgeId:)``).
    public var application: String
    public var facility: String?
    public var receivingApplication: String?
    public var receivingFacility: String?
    public var pointOfCare: String
    /// How long to wait for the ACK of one message before the outcome counts as unknown
    /// (connection closed, the same message resent). The PCD study recommends 30 s.
    public var ackTimeoutSeconds: Double
    public var connectTimeoutSeconds: Double
    /// Back-off between attempts: doubles from the first value up to the second.
    public var retryInitialSeconds: Double
    public var retryMaxSeconds: Double
    /// AE/CE (the receiver found an error in the message) and AR/CR (rejected, receiver unable).
    public var onError: NegativeAckAction
    public var onReject: NegativeAckAction
    /// Attempts of one message that was answered AE/AR before it is parked (time-outs never park:
    /// the outcome is unknown, and order forbids skipping it).
    public var maxAttempts: Int
    /// Which PCD transactions go to this receiver.
    public var kinds: Set<PCDMessageKind>
    /// Undelivered PCD-01 observation reports older than this are dropped from the outbox (counted
    /// and logged), so a receiver gone for days cannot fill the disk; `nil` keeps them all. Alerts
    /// (PCD-04) and infusion events (PCD-10) are never dropped. The records stay in the store.
    public var maxUndeliveredObservationAgeSeconds: Double?

    public init(name: String, host: String, port: Int, application: String = "BEDSIDE_BRIDGE", facility: String? = nil,
                receivingApplication: String? = nil, receivingFacility: String? = nil, pointOfCare: String = "INFUSION",
                ackTimeoutSeconds: Double = 30, connectTimeoutSeconds: Double = 5, retryInitialSeconds: Double = 1,
                retryMaxSeconds: Double = 60, onError: NegativeAckAction = .retry, onReject: NegativeAckAction = .park,
                maxAttempts: Int = 5, kinds: Set<PCDMessageKind> = Set(PCDMessageKind.allCases),
                maxUndeliveredObservationAgeSeconds: Double? = 24 * 3600) {
        self.name = name
        self.host = host
        self.port = port
        self.application = application
        self.facility = facility
        self.receivingApplication = receivingApplication
        self.receivingFacility = receivingFacility
        self.pointOfCare = pointOfCare
        self.ackTimeoutSeconds = ackTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.retryInitialSeconds = retryInitialSeconds
        self.retryMaxSeconds = retryMaxSeconds
        self.onError = onError
        self.onReject = onReject
        self.maxAttempts = maxAttempts
        self.kinds = kinds
        self.maxUndeliveredObservationAgeSeconds = maxUndeliveredObservationAgeSeconds
    }

    /// `HOST:PORT` (as `--hl7` takes it); the receiver is named after it.
    public init?(endpoint: String) {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]) else {
            return nil
        }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(name: endpoint, host: host, port: port)
    }

    /// The outbox and cursor name.
    public var sinkName: String { "hl7:\(name)" }

    public func validate() throws(HL7ConfigurationError) {
        if name.isEmpty { throw .init("an HL7 receiver needs a name") }
        if host.isEmpty { throw .init("HL7 receiver \(name): no host; give HOST:PORT") }
        if !(1...65535).contains(port) { throw .init("HL7 receiver \(name): port \(port) is not 1–65535") }
        if !(ackTimeoutSeconds > 0) || !(connectTimeoutSeconds > 0) {
            throw .init("HL7 receiver \(name): time-outs must be positive seconds")
        }
        if !(retryInitialSeconds > 0) || retryMaxSeconds < retryInitialSeconds {
            throw .init("HL7 receiver \(name): retry back-off must start above 0 and not exceed its maximum")
        }
        if maxAttempts < 1 { throw .init("HL7 receiver \(name): max attempts must be at least 1") }
        if kinds.isEmpty { throw .init("HL7 receiver \(name): no message kinds selected") }
        if let age = maxUndeliveredObservationAgeSeconds, !(age > 0) {
            throw .init("HL7 receiver \(name): the undelivered-observation age must be positive seconds, or none")
        }
        let problems = HL7Sender(application: application, eui64: "0200000000000000").problems
        if let first = problems.first { throw .init("HL7 receiver \(name): \(first)") }
    }

    /// The sender description for messages to this receiver.
    public func sender(bridgeId: String) -> HL7Sender {
        HL7Sender(application: application, eui64: Self.bridgeEUI64(bridgeId: bridgeId), facility: facility,
                  receivingApplication: receivingApplication, receivingFacility: receivingFacility,
                  pointOfCare: pointOfCare)
    }

    /// The bridge's EUI-64 for MSH-3 and minted ids: its bridge id with the locally-administered
    /// bit set and the group bit clear (first octet `x2`, `x6`, `xA` or `xE`), upper-case.
    public static func bridgeEUI64(bridgeId: String) -> String {
        let padded = String(repeating: "0", count: max(0, 16 - bridgeId.count)) + bridgeId.prefix(16)
        var value = UInt64(padded, radix: 16) ?? 0
        value = (value | (UInt64(0x02) << 56)) & ~(UInt64(0x01) << 56)
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

public struct HL7ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ text: String) { description = text }
}
