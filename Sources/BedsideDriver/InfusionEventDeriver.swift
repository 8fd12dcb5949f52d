import BedsideModel

/// Derives ``InfusionEvent``s from successive pump channel states, exactly once per change, for
/// every pump driver: started, paused (stopped by a user or an alarm), resumed, rate changed, bolus
/// started/ended, near end, completed, alarm raised/cleared, pump added/removed, communication.
///
/// The first state seen of a channel is its baseline and yields no event: the bridge did not see
/// that infusion start, and a bridge (or port) restart must not chart it twice. A state that
/// follows `unknown` is a baseline too. States repeated by
/// every poll yield nothing; only a difference does. The IPEC event codes follow IHE PCD TF-2
/// Appendix M: `MDC_EVT_PUMP_DELIV_START` (197288) on start and resume, `…_STOP` on pause,
/// `…_COMP` on completion (their numbers are not public: `code` stays `nil`).
public struct InfusionEventDeriver: Sendable {
    /// What the driver knows about a channel besides its ``PumpChannelState``.
    public struct Signals: Hashable, Sendable {
        /// A bolus is being delivered now (`nil`: the pump does not say).
        public var bolusActive: Bool?
        /// The pump's near-end pre-alarm (volume or time) is on.
        public var nearEnd: Bool?
        /// Alarms that concern the channel now, by a key stable across polls, with their text.
        public var alarms: [String: String]

        public init(bolusActive: Bool? = nil, nearEnd: Bool? = nil, alarms: [String: String] = [:]) {
            self.bolusActive = bolusActive
            self.nearEnd = nearEnd
            self.alarms = alarms
        }
    }

    public static let deliveryStart = MetricIdentity(referenceID: "MDC_EVT_PUMP_DELIV_START", code: 197288,
                                                     vendorCode: "MDC_EVT_PUMP_DELIV_START")
    public static let deliveryStop = MetricIdentity(referenceID: "MDC_EVT_PUMP_DELIV_STOP", code: nil,
                                                    vendorCode: "MDC_EVT_PUMP_DELIV_STOP")
    public static let deliveryComplete = MetricIdentity(referenceID: "MDC_EVT_PUMP_DELIV_COMP", code: nil,
                                                        vendorCode: "MDC_EVT_PUMP_DELIV_COMP")
    public static let communicationStatusChange = MetricIdentity(referenceID: "MDC_EVT_COMM_STATUS_CHANGE", code: nil,
                                                                 vendorCode: "MDC_EVT_COMM_STATUS_CHANGE")

    private struct Key: Hashable, Sendable {
        var subdevice: String?
        var channelIndex: UInt16
    }

    private struct Known: Sendable {
        var state: PumpChannelState
        var signals: Signals
    }

    private var known: [Key: Known] = [:]

    public init() {}

    /// The latest state of a channel, if one was seen.
    public func state(subdevice: String?, channelIndex: UInt16 = 1) -> PumpChannelState? {
        known[Key(subdevice: subdevice, channelIndex: channelIndex)]?.state
    }

    /// Records a channel's current state; appends the events its change from the previous one means.
    public mutating func update(_ state: PumpChannelState, signals: Signals = Signals(),
                                into observations: inout [Observation]) {
        let key = Key(subdevice: state.subdevice, channelIndex: state.channelIndex)
        defer { known[key] = Known(state: state, signals: signals) }
        guard let previous = known[key] else { return }
        let old = previous.state
        func emit(_ kind: InfusionEvent.Kind, _ event: MetricIdentity? = nil, previousRate: Quantity? = nil,
                  detail: String? = nil) {
            observations.append(.infusionEvent(InfusionEvent(
                kind: kind, event: event, channel: state, previousRate: previousRate, detail: detail,
                deviceTime: state.deviceTime, hostTime: state.hostTime, subdevice: state.subdevice)))
        }

        // The cause first: an alarm that stops the pump precedes the stop it causes.
        for (alarmKey, text) in signals.alarms.sorted(by: { $0.key < $1.key }) where previous.signals.alarms[alarmKey] == nil {
            emit(.alarmRaised, detail: text)
        }

        // Cleared alarms: before a (re)start seen in the same look — the clearing is what let the
        // pump run again — otherwise after the state change.
        func emitCleared() {
            for (alarmKey, text) in previous.signals.alarms.sorted(by: { $0.key < $1.key }) where signals.alarms[alarmKey] == nil {
                emit(.alarmCleared, detail: text)
            }
        }
        let restarting = old.status != .unknown && old.status != state.status && (state.status == .infusing || state.status == .kvo)
        if restarting { emitCleared() }

        let rateDiffers = !Self.same(old.programmedRate, state.programmedRate)
        // From an unknown state the new one is a baseline again: nothing was seen to start or stop.
        switch old.status == .unknown ? (state.status, state.status) : (old.status, state.status) {
        case (let a, .completed) where a != .completed:
            emit(.completed, Self.deliveryComplete, detail: "volume to be infused reached")
        case (.paused, .infusing), (.alarming, .infusing):
            emit(.resumed, Self.deliveryStart, previousRate: rateDiffers ? old.programmedRate : nil)
        case (let a, .infusing) where a != .infusing:
            emit(.started, Self.deliveryStart)
        case (let a, .kvo) where a != .kvo:
            emit(.started, Self.deliveryStart, detail: "keep-vein-open rate")
        case (.infusing, let b) where Self.stopsDelivery(b), (.kvo, let b) where Self.stopsDelivery(b):
            emit(.paused, Self.deliveryStop, detail: b == .alarming ? "stopped by an alarm" : nil)
        case (.infusing, .infusing) where rateDiffers:
            emit(.rateChanged, previousRate: old.programmedRate)
        default:
            break
        }

        if signals.bolusActive == true, previous.signals.bolusActive != true { emit(.bolusStarted) }
        if signals.bolusActive == false, previous.signals.bolusActive == true { emit(.bolusEnded) }
        if signals.nearEnd == true, previous.signals.nearEnd != true { emit(.nearEnd) }
        if !restarting { emitCleared() }
    }

    /// A pump appeared behind the port after the session's first look at it (inserted into a rack).
    public mutating func pumpAdded(subdevice: String?, detail: String? = nil, deviceTime: DeviceTime?, hostTime: Timestamp,
                                   into observations: inout [Observation]) {
        observations.append(.infusionEvent(InfusionEvent(kind: .pumpAdded, detail: detail, deviceTime: deviceTime,
                                                         hostTime: hostTime, subdevice: subdevice)))
    }

    /// A pump left: the event carries its last channel state, and its channels are forgotten, so
    /// a pump put back starts a new baseline.
    public mutating func pumpRemoved(subdevice: String?, detail: String? = nil, deviceTime: DeviceTime?, hostTime: Timestamp,
                                     into observations: inout [Observation]) {
        let keys = known.keys.filter { $0.subdevice == subdevice }.sorted { $0.channelIndex < $1.channelIndex }
        let last = keys.first.flatMap { known[$0]?.state }
        observations.append(.infusionEvent(InfusionEvent(kind: .pumpRemoved, channel: last, detail: detail,
                                                         deviceTime: deviceTime, hostTime: hostTime, subdevice: subdevice)))
        for k in keys { known[k] = nil }
    }

    /// The bridge lost (or regained) sight of a pump: one event per known pump, carrying its last
    /// channel state. Channel states are kept, so a recovery repeats no event.
    public mutating func communicationChanged(subdevices: [String?], detail: String, hostTime: Timestamp,
                                              into observations: inout [Observation]) {
        for subdevice in subdevices {
            let last = known.filter { $0.key.subdevice == subdevice }.min { $0.key.channelIndex < $1.key.channelIndex }?.value.state
            observations.append(.infusionEvent(InfusionEvent(kind: .communicationChanged, event: Self.communicationStatusChange,
                                                             channel: last, detail: detail, deviceTime: nil,
                                                             hostTime: hostTime, subdevice: subdevice)))
        }
    }

    /// What the bridge can say of each known channel of `subdevices` once it lost sight of them:
    /// status `unknown`, nothing delivered known; the programme (drug, rates, volumes) as last seen.
    /// Not recorded as a state: when sight returns, changes are measured from the last real one.
    public func unknownStates(subdevices: [String?], hostTime: Timestamp) -> [PumpChannelState] {
        known.filter { subdevices.contains($0.key.subdevice) }
            .sorted { ($0.key.subdevice ?? "", $0.key.channelIndex) < ($1.key.subdevice ?? "", $1.key.channelIndex) }
            .map { entry in
                var s = entry.value.state
                s.status = .unknown
                s.notDeliveringReason = nil
                s.actualRate = nil
                s.deviceTime = nil
                s.hostTime = hostTime
                return s
            }
    }

    static func stopsDelivery(_ status: PumpChannelState.Status) -> Bool {
        switch status {
        case .paused, .stopped, .alarming, .standby: true
        case .infusing, .kvo, .completed, .unknown: false
        }
    }

    static func same(_ a: Quantity?, _ b: Quantity?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (x?, y?): x.value.normalized == y.value.normalized && x.unit == y.unit
        default: false
        }
    }
}
