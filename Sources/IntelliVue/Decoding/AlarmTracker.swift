import BedsideDriver
import BedsideModel

/// Collects the monitor's alarm lists (which only say what is active now) for one reply and hands
/// the complete list to BedsideDriver's ``AlarmLifecycle``, which turns it into start/update/end
/// under stable alarm ids. Lists can span the parts of a linked reply, so entries are collected
/// until the reply is complete. A reply may carry only one of the two lists (patient, technical):
/// the other keeps what it last listed, so its alarms are not ended by omission.
struct AlarmTracker: Sendable {
    private var lifecycle = AlarmLifecycle()
    private var pending: [AlarmEvent.Category: [AlarmLifecycle.Present]] = [:]
    private var lastListed: [AlarmEvent.Category: [AlarmLifecycle.Present]] = [:]
    private(set) var collecting = false

    /// Starts a new reply (drops a previous unfinished one).
    mutating func begin() {
        pending.removeAll(keepingCapacity: true)
        collecting = true
    }

    /// The reply carries the list of `category` (possibly empty).
    mutating func sawList(_ category: AlarmEvent.Category) {
        if pending[category] == nil { pending[category] = [] }
    }

    mutating func add(_ entry: AlarmLifecycle.Present) {
        pending[entry.category, default: []].append(entry)
    }

    /// Hands the complete lists to the life cycle; emits starts, updates and ends in list order.
    mutating func commit(deviceTime: DeviceTime?, hostTime: Timestamp, into observations: inout [Observation]) {
        defer { collecting = false; pending.removeAll(keepingCapacity: true) }
        guard !pending.isEmpty else { return }
        for (category, list) in pending { lastListed[category] = list }
        let present = (lastListed[.physiological] ?? []) + (lastListed[.technical] ?? [])
        lifecycle.update(present: present, deviceTime: deviceTime, hostTime: hostTime, into: &observations)
    }

    /// Ends every open alarm because the bridge lost sight of the monitor (`reason` says why): on
    /// silence and on a new association, whose first list is the only truth about what is active.
    mutating func endAll(reason: String, hostTime: Timestamp, into observations: inout [Observation]) {
        lifecycle.endAll(reason: reason, hostTime: hostTime, into: &observations)
        pending.removeAll()
        lastListed.removeAll()
        collecting = false
    }

    var activeCount: Int { lifecycle.activeCount }

    /// IntelliVue AlertState bits (research/intellivue.md §6) as the feed's alarm flags.
    static func flags(alertState: UInt16, demoMode: Bool) -> AlarmEvent.Flags {
        var f: AlarmEvent.Flags = []
        if alertState & 0x8000 != 0 || alertState & 0x4000 != 0 { f.insert(.inhibited) }  // INHIBITED, SUSPENDED
        if alertState & 0x2000 != 0 { f.insert(.latched) }
        if alertState & 0x1000 != 0 { f.insert(.silenced) }  // SILENCED_RESET
        if alertState & 0x0100 != 0 || demoMode { f.insert(.demo) }  // DEV_IN_DEMO_MODE
        return f
    }
}
