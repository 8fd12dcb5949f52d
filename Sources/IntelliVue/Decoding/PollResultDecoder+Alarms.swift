import BedsideDriver
import BedsideModel

/// The alert monitor's patient and technical alarm lists.
extension PollResultDecoder {
    mutating func decodeAlertMonitor(attributes: PDUReader, count: Int) {
        var r = attributes
        do {
            for _ in 0..<count {
                let id = try r.u16()
                var v = try r.sub(Int(try r.u16()))
                let category: AlarmEvent.Category
                switch id {
                case Nomenclature.Attribute.alarmListPatient: category = .physiological
                case Nomenclature.Attribute.alarmListTechnical: category = .technical
                default: continue
                }
                if !alarms.collecting { alarms.begin() }
                alarms.sawList(category)
                var list = try v.list()
                for _ in 0..<list.count { try decodeAlarmEntry(&list.body, category: category) }
            }
        } catch {
            // A malformed list would turn into false "cleared" events: drop the whole reply's lists.
            alarms.begin()
        }
    }

    mutating func decodeAlarmEntry(_ r: inout PDUReader, category: AlarmEvent.Category) throws(IntelliVuePDUError) {
        let start = r.offset
        let source = try r.u16(), code = try r.u16(), type = try r.u16()
        let state = try r.u16()
        let objectClass = try r.u16(), objectContext = try r.u16(), objectHandle = try r.u16()
        let infoID = try r.u16()
        var info = try r.sub(Int(try r.u16()))
        // The object that raised it is usually a numeric we poll: its label tells which source it is.
        let label = code & 1 == 0 && objectClass == Nomenclature.ObjectClass.numeric
            ? objects.label(of: ObjectContext.key(context: objectContext, handle: objectHandle)) ?? 0 : 0
        // A standing alarm comes back unchanged in every poll: the same bytes make the same entry.
        let entry = UnsafeRawBufferPointer(rebasing: r.bytes[start..<r.offset])
        if let known = alarmEntries.entry(for: entry, category: category, label: label, demo: monitorInDemoMode) {
            alarms.add(known)
            return
        }
        var text = ""
        if infoID == Nomenclature.stringAlertInfo {
            try info.skip(10)  // al_inst_no, al_text, priority, flags
            text = AttributeValues.text(utf16: try info.raw(Int(try info.u16())))
        }
        let priority: AlarmEvent.Priority
        switch type {
        case 0x0400, 0x0004: priority = .high
        case 0x0200, 0x0002: priority = .medium
        case 0x0100, 0x0001: priority = .low
        case 0: priority = .none
        default: priority = .unknown
        }
        // The low bit of al_code says whether al_source is a physiological id (0) or an object class (1).
        var metric: MetricIdentity?, instance: UInt16?
        if code & 1 == 0 {
            metric = self.metric(physio: source, label: label)
            instance = label == 0 ? nil : mapping.placement(physio: source, label: label).instance
        }
        let key = "\(category.rawValue):0x\(hex(source)):0x\(hex(code)):0x\(hex(objectClass)):0x\(hex(objectContext)):0x\(hex(objectHandle))"
        let present = AlarmLifecycle.Present(
            key: key, category: category, priority: priority, text: text, event: mapping.event(alertCode: code),
            metric: metric, instance: instance, flags: AlarmTracker.flags(alertState: state, demoMode: monitorInDemoMode),
            vendorCode: "intellivue:alert:0x" + hex(source) + ":0x" + hex(code))
        alarmEntries.remember(present, for: entry, category: category, label: label, demo: monitorInDemoMode)
        alarms.add(present)
    }
}

/// Alarm list entries decoded before, by their bytes and what else their meaning depends on (the
/// list, the source object's label, the monitor's demo mode).
struct AlarmEntryCache: Sendable {
    private struct Entry: Sendable {
        var bytes: [UInt8]
        var category: AlarmEvent.Category
        var label: UInt32
        var demo: Bool
        var present: AlarmLifecycle.Present
    }

    private var entries: [Entry] = []
    /// More alarms than a monitor shows at once; a stream of ever-new ones cannot grow it.
    static let capacity = 64

    func entry(for bytes: UnsafeRawBufferPointer, category: AlarmEvent.Category, label: UInt32,
               demo: Bool) -> AlarmLifecycle.Present? {
        // By index: a copy of each entry would retain its strings.
        for i in entries.indices where entries[i].bytes.count == bytes.count && entries[i].label == label
            && entries[i].demo == demo && entries[i].category == category {
            if bytes.sameBytes(as: entries[i].bytes) { return entries[i].present }
        }
        return nil
    }

    mutating func remember(_ present: AlarmLifecycle.Present, for bytes: UnsafeRawBufferPointer,
                           category: AlarmEvent.Category, label: UInt32, demo: Bool) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries.append(Entry(bytes: Array(bytes), category: category, label: label, demo: demo, present: present))
    }
}
