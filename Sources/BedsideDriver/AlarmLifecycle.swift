import BedsideModel

/// Turns a device's list of alarms present now into an alarm life cycle: `start` for each new one,
/// `update` when its priority, text, value, limits or flags change, `end` when it is gone — each
/// instance under one stable ``AlarmEvent/alarmId``.
///
/// Drivers call ``update(present:deviceTime:hostTime:into:)`` with the complete list every time the
/// device sends one, and ``endAll(reason:hostTime:into:)`` when they lose sight of the device (link
/// silent or lost, session re-established), so no alarm stays open forever.
public struct AlarmLifecycle: Sendable {
    /// An alarm as the device lists it now.
    public struct Present: Hashable, Sendable {
        /// What identifies the condition on this device across lists (vendor code and source), not its text.
        public var key: String
        public var category: AlarmEvent.Category
        public var priority: AlarmEvent.Priority
        public var text: String
        public var event: MetricIdentity?
        public var metric: MetricIdentity?
        public var instance: UInt16?
        public var value: Quantity?
        public var lowerLimit: DecimalValue?
        public var upperLimit: DecimalValue?
        public var flags: AlarmEvent.Flags
        public var vendorCode: String?

        public init(key: String, category: AlarmEvent.Category, priority: AlarmEvent.Priority, text: String,
                    event: MetricIdentity? = nil, metric: MetricIdentity? = nil, instance: UInt16? = nil,
                    value: Quantity? = nil, lowerLimit: DecimalValue? = nil, upperLimit: DecimalValue? = nil,
                    flags: AlarmEvent.Flags = [], vendorCode: String? = nil) {
            self.key = key
            self.category = category
            self.priority = priority
            self.text = text
            self.event = event
            self.metric = metric
            self.instance = instance
            self.value = value
            self.lowerLimit = lowerLimit
            self.upperLimit = upperLimit
            self.flags = flags
            self.vendorCode = vendorCode
        }

        /// Whether a change from `old` is worth an `update` (a changing measured value alone is not:
        /// it would turn every alarm into a stream).
        func differs(from old: Present) -> Bool {
            priority != old.priority || text != old.text || flags != old.flags || category != old.category
                || lowerLimit != old.lowerLimit || upperLimit != old.upperLimit
        }
    }

    private struct Active: Sendable {
        var id: String
        var present: Present
    }

    /// Device behind the port these alarms belong to.
    public let subdevice: String?
    private var active: [String: Active] = [:]
    /// Keys in the order they started, so ends and snapshots come out in a stable order.
    private var order: [String] = []
    /// The list last handed to ``update(present:deviceTime:hostTime:into:)`` (nil after
    /// ``endAll(reason:hostTime:into:)``): a monitor repeats its alarm list every poll, and an
    /// unchanged one is recognised without building sets and looking up every key.
    private var lastPresent: [Present]?

    public init(subdevice: String? = nil) { self.subdevice = subdevice }

    public var activeCount: Int { active.count }

    public mutating func update(present: [Present], deviceTime: DeviceTime?, hostTime: Timestamp,
                                into observations: inout [Observation]) {
        // The same alarms in the same order, none changed in what an update reports: nothing
        // starts, changes or ends.
        if let last = lastPresent, last.count == present.count,
           zip(last, present).allSatisfy({ $0.key == $1.key && !$1.differs(from: $0) }) {
            return
        }
        defer { lastPresent = present }
        var seen = Set<String>()
        for p in present where seen.insert(p.key).inserted {
            if let a = active[p.key] {
                if p.differs(from: a.present) {
                    active[p.key]?.present = p
                    observations.append(.alarm(event(p, id: a.id, phase: .update, deviceTime: deviceTime, hostTime: hostTime)))
                }
            } else {
                // Milliseconds of the host time the alarm was first seen make the id unique across
                // sessions and restarts, and the same in every replay of a capture.
                let id = "\(p.key)@\(hostTime.nanosecondsSinceEpoch / 1_000_000)"
                active[p.key] = Active(id: id, present: p)
                order.append(p.key)
                observations.append(.alarm(event(p, id: id, phase: .start, deviceTime: deviceTime, hostTime: hostTime)))
            }
        }
        guard active.count > seen.count else { return }
        for key in order where !seen.contains(key) {
            guard let a = active.removeValue(forKey: key) else { continue }
            observations.append(.alarm(event(a.present, id: a.id, phase: .end, deviceTime: deviceTime, hostTime: hostTime)))
        }
        order.removeAll { active[$0] == nil }
    }

    /// Ends every active alarm because the bridge can no longer see it (`reason` says why).
    public mutating func endAll(reason: String, hostTime: Timestamp, into observations: inout [Observation]) {
        for key in order {
            guard let a = active[key] else { continue }
            var e = event(a.present, id: a.id, phase: .end, deviceTime: nil, hostTime: hostTime)
            e.endReason = reason
            observations.append(.alarm(e))
        }
        active.removeAll()
        order.removeAll()
        lastPresent = nil
    }

    /// Ends every active alarm just before the first link event from `index` on that loses sight of
    /// the device (a `silent`, a `closed` …), when there is one: `what` names what can no longer be
    /// seen ("the oximeter's alarms"). For drivers whose link watch reports the loss itself.
    public mutating func endAllBeforeSightLoss(in observations: inout [Observation], from index: Int, what: String,
                                               now: Timestamp) {
        guard activeCount > 0, index < observations.count,
              let at = observations[index...].firstIndex(where: { if case .link(let l) = $0 { l.losesSight } else { false } }),
              case .link(let l) = observations[at] else { return }
        var ends: [Observation] = []
        endAll(reason: "link \(l.kind.rawValue): \(what) can no longer be seen", hostTime: now, into: &ends)
        observations.insert(contentsOf: ends, at: at)
    }

    private func event(_ p: Present, id: String, phase: AlarmEvent.Phase, deviceTime: DeviceTime?,
                       hostTime: Timestamp) -> AlarmEvent {
        AlarmEvent(alarmId: id, phase: phase, category: p.category, priority: p.priority, text: p.text,
                   event: p.event, metric: p.metric, instance: p.instance, value: p.value,
                   lowerLimit: p.lowerLimit, upperLimit: p.upperLimit, flags: p.flags, vendorCode: p.vendorCode,
                   deviceTime: deviceTime, hostTime: hostTime, subdevice: subdevice)
    }
}
