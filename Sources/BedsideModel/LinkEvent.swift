/// A change in the link to a device: the bridge's view of the session, not a patient value.
public struct LinkEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// The port was opened (or a replay started).
        case opened
        /// The driver sent its start request / association request.
        case requesting
        /// The device answered; data is flowing.
        case connected
        /// Nothing valid arrived for longer than the protocol allows; the driver is re-requesting.
        case silent
        /// The device ended or refused the session (release, abort, refuse).
        case disconnected
        /// The driver stopped the session on shutdown.
        case stopped
        /// The port closed or failed.
        case closed
        /// A protocol error worth an engineer's attention (detail says what and what to do).
        case error
    }

    public var kind: Kind
    public var detail: String?
    public var hostTime: Timestamp

    public init(kind: Kind, detail: String? = nil, hostTime: Timestamp) {
        self.kind = kind
        self.detail = detail
        self.hostTime = hostTime
    }
}
