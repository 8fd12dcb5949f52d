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
        let source = try r.u16(), code = try r.u16(), type = try r.u16()
        let state = try r.u16()
        let objectClass = try r.u16(), objectContext = try r.u16(), objectHandle = try r.u16()
        let infoID = try r.u16()
        var info = try r.sub(Int(try r.u16()))
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
            // The object that raised it is usually a numeric we poll: its label tells which source it is.
            let label = objectClass == Nomenclature.ObjectClass.numeric
                ? objects[ObjectContext.key(context: objectContext, handle: objectHandle)]?.label ?? 0 : 0
            metric = self.metric(physio: source, label: label)
            instance = label == 0 ? nil : mapping.placement(physio: source, label: label).instance
        }
        let key = "\(category.rawValue):0x\(hex(source)):0x\(hex(code)):0x\(hex(objectClass)):0x\(hex(objectContext)):0x\(hex(objectHandle))"
        alarms.add(AlarmLifecycle.Present(
            key: key, category: category, priority: priority, text: text, event: mapping.event(alertCode: code),
            metric: metric, instance: instance, flags: AlarmTracker.flags(alertState: state, demoMode: monitorInDemoMode),
            vendorCode: "intellivue:alert:0x" + hex(source) + ":0x" + hex(code)))
    }
}
