import BedsideModel

/// What the driver asks of the monitor while associated, and when: periodic polls renewed before
/// their active period ends, the MDS time-anchor poll, the keep-alive, the wave priority list.
struct PollPlan: Sendable {
    enum Task: CaseIterable, Sendable {
        case numerics, alerts, waveList, waves, mds, demographics, keepAlive

        /// The object class the request polls (for the one-poll-per-class-per-second rule).
        var objectClass: UInt16? {
            switch self {
            case .numerics: Nomenclature.ObjectClass.numeric
            case .alerts, .keepAlive: Nomenclature.ObjectClass.alertMonitor
            case .waves: Nomenclature.ObjectClass.sampleArray
            case .mds: Nomenclature.ObjectClass.mds
            case .demographics: Nomenclature.ObjectClass.patientDemographics
            case .waveList: nil
            }
        }
    }

    /// When each task is next due; `nil` = not part of this session.
    var due: [Task: Timestamp] = [:]
    var lastPollOfClass: [UInt16: Timestamp] = [:]
    var lastTransmit: Timestamp
    /// Frames sent in the current pacing window.
    var windowStart: Timestamp
    var framesInWindow = 0

    init(now: Timestamp, waves: Bool, demographics: Bool) {
        lastTransmit = now
        windowStart = now
        due[.numerics] = now
        due[.alerts] = now
        due[.mds] = now.adding(nanoseconds: 1_000_000_000)
        if waves {
            due[.waveList] = now
            due[.waves] = now.adding(nanoseconds: 1_000_000_000)  // after the priority list is set
        }
        if demographics { due[.demographics] = now.adding(nanoseconds: 2_000_000_000) }
    }

    /// The keep-alive is due once nothing was sent for the keep-alive interval.
    func keepAliveDue(_ timing: IntelliVueSessionTiming) -> Timestamp {
        lastTransmit.adding(nanoseconds: timing.keepAliveInterval)
    }

    /// Earliest time any task wants to run.
    func nextDue(_ timing: IntelliVueSessionTiming) -> Timestamp {
        var t = keepAliveDue(timing)
        for (_, d) in due where d < t { t = d }
        return t
    }
}
