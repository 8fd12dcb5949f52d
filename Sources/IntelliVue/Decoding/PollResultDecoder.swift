import BedsideDriver
import BedsideModel

/// Decodes poll results (numerics, waves, alarms, MDS, demographics) into observations.
///
/// Works on the deframed message in place: it walks the PollInfoList by offsets, caches each
/// object's label and wave context, and allocates only for the observations it emits. A result
/// whose lists do not add up is rejected whole before anything is emitted.
struct PollResultDecoder: Sendable {
    var mapping: IntelliVueMapping
    var zone: any DeviceTimeZone
    var waveformsEnabled: Bool
    var demographicsEnabled: Bool
    var anchor: DeviceClockAnchor?
    var objects: [UInt32: ObjectContext] = [:]
    var alarms = AlarmTracker()
    /// Whether the monitor said it runs in demo mode (MDS operating mode): its alarms are flagged demo.
    var monitorInDemoMode = false
    /// Facts from the last MDS object seen (identity, mode).
    var lastMDS: MDSFacts?

    private var metricCache: [UInt64: MetricIdentity] = [:]
    private var reasonCache: [UInt32: String] = [:]
    private var vendorUnitCache: [UInt16: String] = [:]

    init(mapping: IntelliVueMapping, zone: any DeviceTimeZone, waveformsEnabled: Bool, demographicsEnabled: Bool) {
        self.mapping = mapping
        self.zone = zone
        self.waveformsEnabled = waveformsEnabled
        self.demographicsEnabled = demographicsEnabled
    }

    /// A new association reports the cuff measurement on screen once again (the bridge may have
    /// marked it stale while the link was down).
    mutating func forgetEpisodes() {
        for key in objects.keys { objects[key]?.lastEpisode = nil }
    }

    /// Device time for a RelativeTime stamp, when the clock anchor is known.
    func deviceTime(relative: UInt32) -> DeviceTime? {
        resolved(anchor?.time(ofRelative: relative))
    }

    /// The monitor keeps local wall-clock time: a wall-clock reading (counted as if UTC) resolved
    /// in the device's zone.
    func resolved(_ wallClock: Timestamp?) -> DeviceTime? {
        guard let wallClock else { return nil }
        let seconds = wallClock.secondsSinceEpoch
        return zone.resolve(localSeconds: seconds, nanoseconds: wallClock.nanosecondsSinceEpoch - seconds * 1_000_000_000)
    }

    /// Checks that every context, object and attribute list in the result adds up exactly.
    static func validate(_ poll: PollReplyHeader) throws(IntelliVuePDUError) {
        var r = poll.contexts
        for _ in 0..<poll.contextCount {
            try r.skip(2)
            var objects = try r.list()
            var n = 0
            while !objects.body.isAtEnd {
                try objects.body.skip(2)
                var attributes = try objects.body.list()
                var k = 0
                while !attributes.body.isAtEnd {
                    try attributes.body.skip(2)
                    try attributes.body.skip(Int(try attributes.body.u16()))
                    k += 1
                }
                guard k == attributes.count else { throw .inconsistentLength(what: "attribute list", at: attributes.body.offset) }
                n += 1
            }
            guard n == objects.count else { throw .inconsistentLength(what: "observation poll list", at: objects.body.offset) }
        }
        guard r.isAtEnd else { throw .inconsistentLength(what: "poll info list", at: r.offset) }
    }

    /// Decodes one validated poll result part.
    mutating func decode(_ poll: PollReplyHeader, hostTime: Timestamp, into output: inout DriverOutput) {
        if poll.objectClass == Nomenclature.ObjectClass.patientDemographics && !demographicsEnabled {
            output.count("demographics.suppressed")
            return
        }
        let replyTime = deviceTime(relative: poll.relativeTime)
        var r = poll.contexts
        do {
            for _ in 0..<poll.contextCount {
                let context = try r.u16()
                var objects = try r.list()
                while !objects.body.isAtEnd {
                    let handle = try objects.body.u16()
                    let attributes = try objects.body.list()
                    decodeObject(class: poll.objectClass, context: context, handle: handle, attributes: attributes.body,
                                 count: attributes.count, relativeTime: poll.relativeTime, replyTime: replyTime,
                                 hostTime: hostTime, into: &output)
                }
            }
        } catch {
            output.count(.malformedFrames)  // unreachable after validate(); kept as a guard
        }
    }

    private mutating func decodeObject(class objectClass: UInt16, context: UInt16, handle: UInt16, attributes: PDUReader,
                                       count: Int, relativeTime: UInt32, replyTime: DeviceTime?, hostTime: Timestamp,
                                       into output: inout DriverOutput) {
        switch objectClass {
        case Nomenclature.ObjectClass.numeric, Nomenclature.ObjectClass.sampleArray:
            decodeMetric(context: context, handle: handle, attributes: attributes, count: count, relativeTime: relativeTime,
                         replyTime: replyTime, hostTime: hostTime, into: &output)
        case Nomenclature.ObjectClass.alertMonitor:
            decodeAlertMonitor(attributes: attributes, count: count)
        case Nomenclature.ObjectClass.mds:
            do {
                let facts = try MDSFacts(attributes: attributes, count: count)
                if let a = facts.absoluteTime, let rel = facts.relativeTime {
                    anchor = DeviceClockAnchor(absolute: a, relative: rel)
                    output.count("clock.anchors")
                }
                if let id = facts.identity { output.identity = id }
                lastMDS = facts
                if let mode = facts.operatingMode { monitorInDemoMode = mode == Nomenclature.OperatingMode.demo }
            } catch {
                output.count("attributes.malformed")
            }
        case Nomenclature.ObjectClass.patientDemographics:
            decodeDemographics(attributes: attributes, count: count, replyTime: replyTime, hostTime: hostTime, into: &output)
        default:
            output.count("objects.skipped")
        }
    }

    // MARK: numerics and waves

    private mutating func decodeMetric(context: UInt16, handle: UInt16, attributes: PDUReader, count: Int,
                                       relativeTime: UInt32, replyTime: DeviceTime?, hostTime: Timestamp,
                                       into output: inout DriverOutput) {
        let key = ObjectContext.key(context: context, handle: handle)
        var object = objects[key] ?? ObjectContext()
        objects[key] = nil  // hold the only reference while editing, so the cached label is not copied
        defer { objects[key] = object }
        var numericValue: PDUReader?, numericCompound: PDUReader?
        var waveValue: PDUReader?, waveCompound: PDUReader?
        var stampAbsolute: DeviceTime?, stampRelative: UInt32?
        var r = attributes
        do {
            for _ in 0..<count {
                let id = try r.u16()
                var v = try r.sub(Int(try r.u16()))
                switch id {
                case Nomenclature.Attribute.idLabel: object.label = try v.u32()
                case Nomenclature.Attribute.idLabelString:
                    let raw = try v.raw(Int(try v.u16()))
                    if !raw.elementsEqual(object.labelRaw) {
                        object.labelRaw = Array(raw)
                        object.labelText = AttributeValues.text(utf16: raw)
                    }
                case Nomenclature.Attribute.numericObserved: numericValue = v
                case Nomenclature.Attribute.numericCompoundObserved: numericCompound = v
                case Nomenclature.Attribute.sampleArrayObserved: waveValue = v
                case Nomenclature.Attribute.sampleArrayCompoundObserved: waveCompound = v
                case Nomenclature.Attribute.timeStampAbsolute:
                    stampAbsolute = resolved(IntelliVueTime.absolute(try v.raw(8)))
                case Nomenclature.Attribute.timeStampRelative: stampRelative = try v.u32()
                case Nomenclature.Attribute.sampleArraySpec:
                    try v.skip(2)
                    object.wave.sampleBits = try v.u8()
                    object.wave.significantBits = try v.u8()
                    object.wave.flags = try v.u16()
                case Nomenclature.Attribute.scaleSpecI16:
                    let la = IntelliVueFloat(bits: try v.u32()), ua = IntelliVueFloat(bits: try v.u32())
                    object.wave.setScale(lowerAbsolute: la, upperAbsolute: ua, lowerScaled: try v.u16(), upperScaled: try v.u16())
                case Nomenclature.Attribute.timePeriodSample: object.wave.periodTicks = try v.u32()
                case Nomenclature.Attribute.unitCode:
                    object.wave.unitCode = try v.u16()  // OIDType in the DIM partition
                case Nomenclature.Attribute.sampleArrayFixedValues:
                    var list = try v.list()
                    for _ in 0..<list.count {
                        let fixedID = try list.body.u16(), value = try list.body.u16()
                        if fixedID == 1 { object.wave.invalidMask = value }  // INVALID_MASK
                    }
                default: break
                }
            }
        } catch {
            output.count("attributes.malformed")
            return
        }
        let time = stampAbsolute ?? stampRelative.flatMap { $0 == 0 ? nil : deviceTime(relative: $0) } ?? replyTime
        do {
            var readings: [NumericReading] = []
            if var v = numericValue {
                readings.append(try numeric(&v, object: object, time: time, hostTime: hostTime, into: &output))
            }
            if var v = numericCompound {
                let list = try v.list()
                var body = list.body
                for _ in 0..<list.count { readings.append(try numeric(&body, object: object, time: time, hostTime: hostTime, into: &output)) }
                guard body.isAtEnd else { throw IntelliVuePDUError.inconsistentLength(what: "compound numeric", at: body.offset) }
            }
            if !readings.isEmpty {
                emit(readings, object: &object, measuredAt: stampAbsolute, into: &output)
            }
            if waveformsEnabled {
                let waveTime = deviceTime(relative: relativeTime)
                if var v = waveValue {
                    try emitWave(&v, object: object, time: waveTime, hostTime: hostTime, into: &output)
                }
                if var v = waveCompound {
                    let list = try v.list()
                    var body = list.body
                    for _ in 0..<list.count { try emitWave(&body, object: object, time: waveTime, hostTime: hostTime, into: &output) }
                }
            }
        } catch {
            output.count("attributes.malformed")
        }
    }

    /// Appends one object's readings. An NBP object is episodic: the monitor repeats the last cuff
    /// result in every poll, so it is reported once per measurement (its absolute time stamp, or
    /// its values when the stamp is missing), and not while the cuff is still measuring.
    private mutating func emit(_ readings: [NumericReading], object: inout ObjectContext, measuredAt: DeviceTime?,
                               into output: inout DriverOutput) {
        guard readings.contains(where: { Self.isEpisodic($0.metric.vendorCode) }) else {
            for r in readings { output.observations.append(.numeric(r)) }
            output.count(.numerics, by: readings.count)
            return
        }
        if readings.contains(where: { $0.reason?.contains("MSMT_ONGOING") == true || $0.reason?.contains("EARLY_INDICATION") == true }) {
            output.count("nbp.in-progress-held", by: readings.count)
            return
        }
        let episode = ObjectContext.Episode(measuredAt: measuredAt?.instant,
                                            values: measuredAt == nil ? readings.map { "\($0.state.rawValue) \($0.value?.text ?? "-")" } : [])
        guard episode != object.lastEpisode else {
            output.count("nbp.repeats-skipped", by: readings.count)
            return
        }
        object.lastEpisode = episode
        for var r in readings {
            r.episodic = true
            output.observations.append(.numeric(r))
        }
        output.count(.numerics, by: readings.count)
    }

    /// NBP systolic, diastolic, mean and NBP pulse: one cuff measurement each.
    static func isEpisodic(_ vendorCode: String) -> Bool {
        vendorCode.hasPrefix("intellivue:0x0002:0x4a05") || vendorCode.hasPrefix("intellivue:0x0002:0x4a06")
            || vendorCode.hasPrefix("intellivue:0x0002:0x4a07") || vendorCode.hasPrefix("intellivue:0x0002:0xf0e5")
    }

    private mutating func numeric(_ v: inout PDUReader, object: ObjectContext, time: DeviceTime?, hostTime: Timestamp,
                                  into output: inout DriverOutput) throws(IntelliVuePDUError) -> NumericReading {
        let physio = try v.u16()
        let stateBits = IntelliVueMeasurementState(bits: try v.u16())
        let unitCode = try v.u16()
        let value = IntelliVueFloat(bits: try v.u32())
        let metric = metric(physio: physio, label: object.label)
        if !metric.isMapped { output.count(.unmappedCodes) }
        let place = mapping.placement(physio: physio, label: object.label)
        let ucum = mapping.ucum(unitCode: unitCode)
        return NumericReading(
            metric: metric, instance: place.instance, containment: place.containment, value: value.decimal, unit: ucum,
            unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
            vendorUnit: unitCode == 0 || ucum != nil ? nil : vendorUnit(unitCode), state: stateBits.readingState(for: value),
            reason: reason(stateBits, value), site: place.site, source: place.source, displayLabel: object.labelText,
            deviceTime: time, hostTime: hostTime)
    }

    private mutating func emitWave(_ v: inout PDUReader, object: ObjectContext, time: DeviceTime?, hostTime: Timestamp,
                                   into output: inout DriverOutput) throws(IntelliVuePDUError) {
        let physio = try v.u16()
        let stateBits = IntelliVueMeasurementState(bits: try v.u16())
        let raw = try v.raw(Int(try v.u16()))
        let wave = object.wave
        guard wave.isComplete, let scale = wave.scale, wave.sampleBits == 8 || wave.sampleBits == 16 else {
            output.count("waves.without-context")  // observed values before their static context
            return
        }
        let bytesPerSample = Int(wave.sampleBits) / 8
        let mask = wave.sampleMask
        let invalidMask = UInt32(wave.invalidMask) & ~mask  // only marker bits can flag invalid samples
        var samples: [Int32?] = []
        samples.reserveCapacity(raw.count / bytesPerSample)
        var i = 0
        while i + bytesPerSample <= raw.count {
            let s = bytesPerSample == 2 ? UInt32(raw[i]) << 8 | UInt32(raw[i + 1]) : UInt32(raw[i])
            i += bytesPerSample
            samples.append(invalidMask != 0 && s & invalidMask == invalidMask ? nil : Int32(s & mask))
        }
        var reason = reason(stateBits, nil)
        if let note = wave.scaleNote { reason = reason.map { $0 + "; " + note } ?? note }
        let unitCode = wave.unitCode ?? 0
        let place = mapping.placement(physio: physio, label: object.label)
        let ucum = mapping.ucum(unitCode: unitCode)
        let segment = WaveformSegment(
            metric: metric(physio: physio, label: object.label), instance: place.instance, containment: place.containment,
            unit: ucum, unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
            vendorUnit: unitCode == 0 || ucum != nil ? nil : vendorUnit(unitCode), scale: scale, offset: wave.offset,
            samplePeriodNanoseconds: Int64(wave.periodTicks) * IntelliVueTime.nanosecondsPerTick, samples: samples,
            state: stateBits.readingState(for: .value(0)), reason: reason, site: place.site, displayLabel: object.labelText, deviceTime: time,
            hostTime: hostTime)
        output.observations.append(.waveform(segment))
        output.count(.waveforms)
    }

    private mutating func metric(physio: UInt16, label: UInt32) -> MetricIdentity {
        let key = UInt64(label) << 16 | UInt64(physio)
        if let m = metricCache[key] { return m }
        let m = mapping.metric(physio: physio, label: label)
        metricCache[key] = m
        return m
    }

    private mutating func vendorUnit(_ code: UInt16) -> String {
        if let s = vendorUnitCache[code] { return s }
        let s = IntelliVueMapping.vendorUnit(code)
        vendorUnitCache[code] = s
        return s
    }

    private mutating func reason(_ state: IntelliVueMeasurementState, _ value: IntelliVueFloat?) -> String? {
        let special: UInt32
        switch value {
        case .none, .value: special = 0
        case .notANumber: special = 1
        case .notAtThisResolution: special = 2
        case .positiveInfinity: special = 3
        case .negativeInfinity: special = 4
        }
        if state.bits == 0 && special == 0 { return nil }
        let key = UInt32(state.bits) << 8 | special
        if let s = reasonCache[key] { return s }
        let s = state.reason(for: value) ?? ""
        reasonCache[key] = s
        return s
    }

    // MARK: alarms

    private mutating func decodeAlertMonitor(attributes: PDUReader, count: Int) {
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

    private mutating func decodeAlarmEntry(_ r: inout PDUReader, category: AlarmEvent.Category) throws(IntelliVuePDUError) {
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

    // MARK: demographics (only when enabled)

    private mutating func decodeDemographics(attributes: PDUReader, count: Int, replyTime: DeviceTime?, hostTime: Timestamp,
                                             into output: inout DriverOutput) {
        // Only body measurements leave the driver; names, ids and dates of birth have no place in the feed.
        let measures: [UInt16: String] = [0x09dc: "patient height", 0x09df: "patient weight", 0x09d8: "patient age",
                                          0x0956: "patient body surface area"]
        var r = attributes
        do {
            for _ in 0..<count {
                let id = try r.u16()
                var v = try r.sub(Int(try r.u16()))
                guard let name = measures[id], v.remaining >= 6 else { continue }
                let value = IntelliVueFloat(bits: try v.u32())
                let unitCode = try v.u16()
                let ucum = mapping.ucum(unitCode: unitCode)
                let reading = NumericReading(
                    metric: .unmapped("intellivue:attribute:0x" + hex(id)), value: value.decimal, unit: ucum,
                    unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
                    vendorUnit: unitCode == 0 || ucum != nil ? nil : vendorUnit(unitCode),
                    state: value.decimal == nil ? .absent : .valid, reason: value.specialName.map { "value " + $0 },
                    displayLabel: name, deviceTime: replyTime, hostTime: hostTime)
                output.observations.append(.numeric(reading))
            }
        } catch {
            output.count("attributes.malformed")
        }
    }
}
