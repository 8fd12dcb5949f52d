/// The state of one infusion pump channel (one fluid source), shaped after the IHE PCD infusion
/// content (PCD-01 pump rows, IPEC parameter set): what runs, how fast, how much is in and left.
///
/// Every quantity keeps its unit as UCUM and MDC code (`mL/h` = 265266). A field the pump did not
/// report is `nil`, never zero.
public struct PumpChannelState: Hashable, Sendable {
    /// Which fluid source this is (IPEC active sources).
    public enum Mode: String, Hashable, Sendable {
        case primary, secondary, bolus, loading, kvo, pca, unknown
    }
    /// Delivery state of the channel.
    public enum Status: String, Hashable, Sendable {
        /// Delivering at the programmed rate.
        case infusing
        /// Stopped by a user, programme kept.
        case paused
        /// Not delivering, no programme running.
        case stopped
        /// Stopped by an alarm.
        case alarming
        /// The volume to be infused was reached.
        case completed
        /// Delivering at the keep-vein-open rate.
        case kvo
        /// Powered and ready, not programmed.
        case standby
        case unknown
    }
    /// IPEC `MDC_DEV_PUMP_NOT_DELIVERING_REASON` tokens, when the channel is not delivering.
    public enum NotDeliveringReason: String, Hashable, Sendable {
        case stoppedByClinician = "stopped-by-clinician"
        case alarming
        case betweenDoses = "between-doses"
        case switchingSource = "switching-source"
        case completed
        case notSpecified = "not-specified"
    }

    /// The pump's channel label as it shows it (`A`, `1`, `Primary`).
    public var channel: String
    /// Stable ordinal of the channel on its device, used for containment.
    public var channelIndex: UInt16
    public var containment: Containment?
    public var mode: Mode
    public var status: Status
    public var notDeliveringReason: NotDeliveringReason?
    public var drug: String?
    /// Drug concentration (e.g. `2 mg/mL`).
    public var concentration: Quantity?
    /// Programmed rate (MDC_FLOW_FLUID_PUMP), `mL/h`.
    public var programmedRate: Quantity?
    /// Rate actually delivered now, `mL/h` (0 while paused).
    public var actualRate: Quantity?
    /// Dose rate (MDC_RATE_DOSE) with its own unit, e.g. `mg/kg/h`.
    public var doseRate: Quantity?
    /// Volume to be infused as programmed (MDC_VOL_FLUID_TBI).
    public var volumeToBeInfused: Quantity?
    /// Volume infused so far (MDC_VOL_FLUID_DELIV_TOTAL).
    public var volumeInfused: Quantity?
    /// Volume left of the VTBI (MDC_VOL_FLUID_TBI_REMAIN).
    public var volumeRemaining: Quantity?
    /// Time left (MDC_TIME_PD_REMAIN), `min`.
    public var timeRemaining: Quantity?
    public var deviceTime: DeviceTime?
    public var hostTime: Timestamp
    public var subdevice: String?

    public init(channel: String, channelIndex: UInt16 = 1, containment: Containment? = nil, mode: Mode = .unknown,
                status: Status, notDeliveringReason: NotDeliveringReason? = nil, drug: String? = nil,
                concentration: Quantity? = nil, programmedRate: Quantity? = nil, actualRate: Quantity? = nil,
                doseRate: Quantity? = nil, volumeToBeInfused: Quantity? = nil, volumeInfused: Quantity? = nil,
                volumeRemaining: Quantity? = nil, timeRemaining: Quantity? = nil, deviceTime: DeviceTime?,
                hostTime: Timestamp, subdevice: String? = nil) {
        self.channel = channel
        self.channelIndex = channelIndex
        self.containment = containment
        self.mode = mode
        self.status = status
        self.notDeliveringReason = notDeliveringReason
        self.drug = drug
        self.concentration = concentration
        self.programmedRate = programmedRate
        self.actualRate = actualRate
        self.doseRate = doseRate
        self.volumeToBeInfused = volumeToBeInfused
        self.volumeInfused = volumeInfused
        self.volumeRemaining = volumeRemaining
        self.timeRemaining = timeRemaining
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.subdevice = subdevice
    }
}

/// A change in an infusion, derived from pump states exactly once per change: what a clinic charts
/// for an infusion session and what IHE PCD-10 (IPEC) carries.
public struct InfusionEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case started, paused, resumed
        case rateChanged = "rate-changed"
        case bolusStarted = "bolus-started"
        case bolusEnded = "bolus-ended"
        case nearEnd = "near-end"
        case completed
        case alarmRaised = "alarm-raised"
        case alarmCleared = "alarm-cleared"
        case pumpAdded = "pump-added"
        case pumpRemoved = "pump-removed"
        case communicationChanged = "communication-changed"
    }

    public var kind: Kind
    /// The IPEC event (`MDC_EVT_PUMP_DELIV_START` 197288, `…_STOP`, `…_COMP`) when one applies;
    /// `code` is `nil` where no public number exists yet.
    public var event: MetricIdentity?
    /// The channel the event concerns, with the IPEC parameter set at the moment of the change
    /// (after the change; ``previousRate`` keeps the rate before a rate change).
    public var channel: PumpChannelState?
    public var previousRate: Quantity?
    /// What happened, in words (e.g. the alarm text).
    public var detail: String?
    public var deviceTime: DeviceTime?
    public var hostTime: Timestamp
    public var subdevice: String?

    public init(kind: Kind, event: MetricIdentity? = nil, channel: PumpChannelState? = nil, previousRate: Quantity? = nil,
                detail: String? = nil, deviceTime: DeviceTime?, hostTime: Timestamp, subdevice: String? = nil) {
        self.kind = kind
        self.event = event
        self.channel = channel
        self.previousRate = previousRate
        self.detail = detail
        self.deviceTime = deviceTime
        self.hostTime = hostTime
        self.subdevice = subdevice
    }
}
