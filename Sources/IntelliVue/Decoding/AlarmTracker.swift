import BedsideModel

/// Turns the monitor's alarm lists (which only say what is active now) into `active`/`cleared`
/// events. Lists can span the parts of a linked reply, so entries are collected until the reply
/// is complete and only then compared with the previous lists.
struct AlarmTracker: Sendable {
    struct Key: Hashable, Sendable {
        var category: AlarmEvent.Category
        var source: UInt16
        var code: UInt16
        var objectClass: UInt16
        var objectContext: UInt16
        var objectHandle: UInt16
    }

    struct Entry: Hashable, Sendable {
        var priority: AlarmEvent.Priority
        var text: String
        var metric: MetricIdentity?
        var vendorCode: String
    }

    private var active: [Key: Entry] = [:]
    private var pending: [Key: Entry] = [:]
    private var pendingSawPatient = false
    private var pendingSawTechnical = false
    private(set) var collecting = false

    /// Starts a new reply (drops a previous unfinished one; the caller counts it).
    mutating func begin() {
        pending.removeAll(keepingCapacity: true)
        pendingSawPatient = false
        pendingSawTechnical = false
        collecting = true
    }

    mutating func sawList(_ category: AlarmEvent.Category) {
        if category == .physiological { pendingSawPatient = true } else { pendingSawTechnical = true }
    }

    mutating func add(_ key: Key, _ entry: Entry) {
        pending[key] = entry
    }

    /// Compares the collected lists with the previous ones and emits the differences, in a stable
    /// order (cleared first, then new or changed).
    mutating func commit(deviceTime: DeviceTime?, hostTime: Timestamp, into observations: inout [Observation]) {
        defer { collecting = false }
        guard pendingSawPatient || pendingSawTechnical else { return }
        let categories: Set<AlarmEvent.Category> = Set(
            [pendingSawPatient ? AlarmEvent.Category.physiological : nil, pendingSawTechnical ? .technical : nil].compactMap { $0 })
        var cleared: [(Key, Entry)] = []
        for (k, e) in active where categories.contains(k.category) && pending[k] == nil { cleared.append((k, e)) }
        cleared.sort { Self.order($0.0, $1.0) }
        for (k, e) in cleared {
            active[k] = nil
            observations.append(.alarm(AlarmEvent(alarmId: "intellivue:\(k)", phase: .end, category: k.category, priority: e.priority, text: e.text,
                                                  metric: e.metric, vendorCode: e.vendorCode, deviceTime: deviceTime,
                                                  hostTime: hostTime)))
        }
        var raised: [(Key, Entry)] = []
        for (k, e) in pending where active[k] != e { raised.append((k, e)) }
        raised.sort { Self.order($0.0, $1.0) }
        for (k, e) in raised {
            active[k] = e
            observations.append(.alarm(AlarmEvent(alarmId: "intellivue:\(k)", phase: .start, category: k.category, priority: e.priority, text: e.text,
                                                  metric: e.metric, vendorCode: e.vendorCode, deviceTime: deviceTime,
                                                  hostTime: hostTime)))
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Forgets everything (a new association starts with unknown alarm state).
    mutating func reset() {
        active.removeAll()
        pending.removeAll()
        collecting = false
    }

    var activeCount: Int { active.count }

    private static func order(_ a: Key, _ b: Key) -> Bool {
        (a.category.rawValue, a.source, a.code, a.objectHandle) < (b.category.rawValue, b.source, b.code, b.objectHandle)
    }
}
