/// The name of a driver counter. Every driver counts the same events under the same names (the
/// constants below), so a dashboard or a commissioning log reads alike for every device; a
/// protocol-specific event gets a name of the same shape: `area.event`, lower-case words joined by
/// `-` (`association.refused`, `phdb.unknown-class`).
public struct DriverCounter: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }

    /// Frames (or records, lines) that passed every check and were decoded.
    public static let framesAccepted: DriverCounter = "frames.ok"
    /// Frames whose checksum or CRC did not match.
    public static let checksumErrors: DriverCounter = "frames.checksum-error"
    /// Frames whose length field disagreed with the bytes, or that were too long.
    public static let lengthErrors: DriverCounter = "frames.length-error"
    /// Frames that framed correctly but whose content broke the protocol's structure.
    public static let malformedFrames: DriverCounter = "frames.malformed"
    /// Bytes thrown away while looking for the start of a frame.
    public static let bytesDiscarded: DriverCounter = "bytes.discarded"
    /// Requests the driver sent.
    public static let requestsSent: DriverCounter = "requests.sent"
    /// Times the device stopped answering within the protocol's time-out.
    public static let silences: DriverCounter = "link.silences"
    /// Sessions (associations, handshakes) established.
    public static let sessionsStarted: DriverCounter = "link.sessions-started"
    /// Values forwarded.
    public static let numerics: DriverCounter = "values.numerics"
    public static let waveforms: DriverCounter = "values.waveforms"
    /// Codes the mapping tables do not cover (forwarded unmapped).
    public static let unmappedCodes: DriverCounter = "values.unmapped"

    /// The standard names, for documentation and tests.
    public static let standard: [DriverCounter] = [
        .framesAccepted, .checksumErrors, .lengthErrors, .malformedFrames, .bytesDiscarded, .requestsSent,
        .silences, .sessionsStarted, .numerics, .waveforms, .unmappedCodes,
    ]

    /// Whether the name has the shape every counter must have (`area.event-words`).
    public var isWellFormed: Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.first != "-" && part.last != "-"
                && part.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
        }
    }
}
