import BedsideModel

/// The simulated monitor's association state.
enum MonitorState: Sendable {
    case waitingForAssociation
    /// Association accepted, MDS Create Event sent, waiting for its result.
    case confirmingMDSCreate(ConfirmingMDSCreate)
    case associated(Association)

    struct ConfirmingMDSCreate: Sendable {
        var association: Association
        var transmissions: Int
        var nextResend: Timestamp
    }

    /// What the monitor keeps per association.
    struct Association: Sendable {
        var granted: IntelliVuePollProfile
        /// The monitor aborts when no client message arrives before this time.
        var timeoutAt: Timestamp
        var periodic: [UInt16: PeriodicPoll] = [:]
        var wavePriorityList: [UInt32] = [0x0002_0102, 0x0002_4bb4, 0x0002_50ac]
        var mtu: Int { Int(granted.maximumMTUTransmit) }
    }

    /// A running extended poll.
    struct PeriodicPoll: Sendable {
        var invokeID: UInt16
        var pollNumber: UInt16
        var attributeGroup: UInt16
        var sequence: UInt16
        var activeUntil: Timestamp
        var nextReply: Timestamp
        var interval: Int64
    }

    var isAssociated: Bool {
        switch self {
        case .waitingForAssociation: false
        default: true
        }
    }

    var name: String {
        switch self {
        case .waitingForAssociation: "waiting-for-association"
        case .confirmingMDSCreate: "confirming-mds-create"
        case .associated: "associated"
        }
    }
}
