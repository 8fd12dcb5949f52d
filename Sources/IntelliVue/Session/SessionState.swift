import BedsideModel

/// The driver's session, one case per state. Each state carries only what it needs.
enum SessionState: Sendable {
    /// Before `start`.
    case idle
    /// `transmitEnabled == false`: decode whatever the monitor sends, never transmit.
    case listening(Listening)
    /// A Release Request was sent to clear an association left over from an earlier run.
    case releasingStale(ReleasingStale)
    /// Association request sent (or about to be), waiting for the response.
    case associating(Associating)
    /// Association accepted; waiting for the MDS Create Event.
    case awaitingMDSCreate(AwaitingMDSCreate)
    /// MDS create confirmed: polling.
    case associated(Associated)
    /// `stop` sent a Release Request; waiting for the Release Response.
    case releasing(Releasing)
    /// Finished.
    case stopped

    struct Listening: Sendable {
        var silent = false
    }

    struct ReleasingStale: Sendable {
        var until: Timestamp
    }

    struct Associating: Sendable {
        /// Association requests sent in this episode.
        var attempts: Int
        var nextAttempt: Timestamp
        var warned = false
        /// The attempt count at which the last stale-association release was sent.
        var releasedAfter = -1
    }

    struct AwaitingMDSCreate: Sendable {
        var profile: IntelliVuePollProfile
        var deadline: Timestamp
    }

    struct Associated: Sendable {
        var profile: IntelliVuePollProfile
        var plan: PollPlan
    }

    struct Releasing: Sendable {
        var attempts: Int
        var nextResend: Timestamp
    }

    /// Asking for a new association (after a loss, or releasing a stale one first): no poll of
    /// this session is outstanding, so results that still arrive answer an association that ended.
    var isBetweenAssociations: Bool {
        switch self {
        case .associating, .releasingStale: true
        default: false
        }
    }

    var name: String {
        switch self {
        case .idle: "idle"
        case .listening: "listening"
        case .releasingStale: "releasing-stale"
        case .associating: "associating"
        case .awaitingMDSCreate: "awaiting-mds-create"
        case .associated: "associated"
        case .releasing: "releasing"
        case .stopped: "stopped"
        }
    }
}
