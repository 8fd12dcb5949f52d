import BedsideDriver
import BedsideModel

/// Numeric and wave objects: values, their key (instance, containment, site, source), units, and
/// episodic NBP.
extension PollResultDecoder {
    /// Decodes one numeric or sample-array object. `replyTime` is the poll's relative time as a
    /// device time (nil while the clock anchor is unknown).
    mutating func decodeMetric(context: UInt16, handle: UInt16, attributes: PDUReader, count: Int,
                               replyTime: DeviceTime?, hostTime: Timestamp, into output: inout DriverOutput) {
        let slot = objects.slot(for: ObjectContext.key(context: context, handle: handle))
        // The object is edited where it is kept (`objects.contexts[slot]`), together with the
        // lookups (`naming`): two stored properties of the decoder, so neither is copied.
        var found = ObjectAttributes()
        guard Self.readAttributes(attributes, count: count, zone: zone, object: &objects.contexts[slot], into: &found) else {
            output.count("attributes.malformed")
            return
        }
        var time = replyTime
        if let stamp = found.stampAbsolute {
            time = stamp
        } else if let stamp = found.stampRelative, stamp != 0,
                  let t = Self.deviceTime(relative: stamp, anchor: anchor, zone: zone) {
            time = t
        }
        do {
            // A wave is stamped with the reply's relative time, which the caller resolved once for
            // the whole poll (`replyTime`): not looked up in the zone again for every wave.
            try Self.emitValues(found, object: &objects.contexts[slot], naming: &naming, time: time,
                                waveTime: waveformsEnabled ? replyTime : nil, waves: waveformsEnabled,
                                hostTime: hostTime, into: &output)
        } catch {
            output.count("attributes.malformed")
        }
    }

    /// Where an object's observed values lie in its attribute list, and its time stamps.
    struct ObjectAttributes {
        var numericValue: PDUReader?, numericCompound: PDUReader?
        var waveValue: PDUReader?, waveCompound: PDUReader?
        var stampAbsolute: DeviceTime?, stampRelative: UInt32?
    }

    /// Reads an object's attributes: its labels and wave context go into `object`, its values are
    /// located (in `found`) for ``emitValues(_:object:naming:time:waveTime:waves:hostTime:into:)``;
    /// false when the list is malformed. (Filled in place: returned, the locations were copied.)
    static func readAttributes(_ attributes: PDUReader, count: Int, zone: any DeviceTimeZone,
                               object: inout ObjectContext, into found: inout ObjectAttributes) -> Bool {
        var r = attributes
        do {
            for _ in 0..<count {
                let id = try r.u16()
                var v = try r.sub(Int(try r.u16()))
                switch id {
                case Nomenclature.Attribute.idLabel: object.setLabel(try v.u32())
                case Nomenclature.Attribute.idLabelString:
                    let raw = try v.raw(Int(try v.u16()))
                    if !raw.sameBytes(as: object.labelRaw) {
                        object.setLabelText(AttributeValues.text(utf16: raw), raw: Array(raw))
                    }
                case Nomenclature.Attribute.numericObserved: found.numericValue = v
                case Nomenclature.Attribute.numericCompoundObserved: found.numericCompound = v
                case Nomenclature.Attribute.sampleArrayObserved: found.waveValue = v
                case Nomenclature.Attribute.sampleArrayCompoundObserved: found.waveCompound = v
                case Nomenclature.Attribute.timeStampAbsolute:
                    found.stampAbsolute = resolved(IntelliVueTime.absolute(try v.raw(8)), zone: zone)
                case Nomenclature.Attribute.timeStampRelative: found.stampRelative = try v.u32()
                case Nomenclature.Attribute.sampleArraySpec:
                    try v.skip(2)
                    object.wave.sampleBits = try v.u8()
                    object.wave.significantBits = try v.u8()
                    object.wave.flags = try v.u16()
                case Nomenclature.Attribute.scaleSpecI16:
                    let la = try v.u32(), ua = try v.u32()
                    object.wave.setScale(lowerAbsoluteBits: la, upperAbsoluteBits: ua, lowerScaled: try v.u16(),
                                         upperScaled: try v.u16())
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
            return false
        }
        return true
    }

    /// Appends an object's numerics and (when `waves`) its wave segments.
    static func emitValues(_ found: ObjectAttributes, object: inout ObjectContext, naming: inout MetricNaming,
                           time: DeviceTime?, waveTime: DeviceTime?, waves: Bool, hostTime: Timestamp,
                           into output: inout DriverOutput) throws(IntelliVuePDUError) {
        var numericValue = found.numericValue
        if var v = numericValue, found.numericCompound == nil {
            // One value (most objects): no list to gather it in.
            if let episodic = try numeric(&v, object: &object, naming: &naming, time: time, hostTime: hostTime,
                                          appendingUnlessEpisodic: true, into: &output) {
                emit([episodic], object: &object, measuredAt: found.stampAbsolute, into: &output)
            }
            numericValue = nil
        }
        var readings: [DecodedNumeric] = []
        if var v = numericValue {
            readings.append(try numeric(&v, object: &object, naming: &naming, time: time, hostTime: hostTime, into: &output))
        }
        if var v = found.numericCompound {
            let list = try v.list()
            var body = list.body
            for _ in 0..<list.count {
                readings.append(try numeric(&body, object: &object, naming: &naming, time: time, hostTime: hostTime,
                                            into: &output))
            }
            guard body.isAtEnd else { throw IntelliVuePDUError.inconsistentLength(what: "compound numeric", at: body.offset) }
        }
        if !readings.isEmpty {
            emit(readings, object: &object, measuredAt: found.stampAbsolute, into: &output)
        }
        guard waves else { return }
        if var v = found.waveValue {
            try emitWave(&v, object: &object, naming: &naming, time: waveTime, hostTime: hostTime, into: &output)
        }
        if var v = found.waveCompound {
            let list = try v.list()
            var body = list.body
            for _ in 0..<list.count {
                try emitWave(&body, object: &object, naming: &naming, time: waveTime, hostTime: hostTime, into: &output)
            }
        }
    }

    /// Appends one object's readings. An NBP object is episodic: the monitor repeats the last cuff
    /// result in every poll, so it is reported once per measurement (its absolute time stamp, or
    /// its values when the stamp is missing), and not while the cuff is still measuring.
    static func emit(_ decoded: [DecodedNumeric], object: inout ObjectContext, measuredAt: DeviceTime?,
                     into output: inout DriverOutput) {
        guard decoded.contains(where: { isEpisodic($0.physio) }) else {
            for d in decoded { output.observations.append(.numeric(d.reading)) }
            output.count(.numerics, by: decoded.count)
            return
        }
        let readings = decoded.map(\.reading)
        let measuring = IntelliVueMeasurementState.measurementOngoing | IntelliVueMeasurementState.earlyIndication
        if decoded.contains(where: { $0.state.bits & measuring != 0 }) {
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

    /// NBP systolic, diastolic, mean (NOM_PRESS_BLD_NONINV_*) and NBP pulse: one cuff measurement each.
    static let episodicPhysioIDs: Set<UInt16> = [0x4a05, 0x4a06, 0x4a07, 0xf0e5]

    /// Whether `physio` is one of ``episodicPhysioIDs`` (asked for every numeric: a comparison,
    /// not a hash).
    @inline(__always)
    static func isEpisodic(_ physio: UInt16) -> Bool {
        physio == 0x4a05 || physio == 0x4a06 || physio == 0x4a07 || physio == 0xf0e5
    }

    /// A numeric as decoded, with the protocol facts the feed's reading does not keep.
    struct DecodedNumeric {
        var physio: UInt16
        var state: IntelliVueMeasurementState
        var reading: NumericReading
    }

    static func numeric(_ v: inout PDUReader, object: inout ObjectContext, naming: inout MetricNaming, time: DeviceTime?,
                        hostTime: Timestamp, into output: inout DriverOutput) throws(IntelliVuePDUError) -> DecodedNumeric {
        // Always returned when not appending.
        try numeric(&v, object: &object, naming: &naming, time: time, hostTime: hostTime, appendingUnlessEpisodic: false,
                    into: &output)!
    }

    /// Decodes one NuObsValue. With `appendingUnlessEpisodic`, a value that is not episodic is
    /// appended to `output` and counted (made in place: returned and appended, it was copied) and
    /// `nil` returned; otherwise the decoded value is returned.
    static func numeric(_ v: inout PDUReader, object: inout ObjectContext, naming: inout MetricNaming, time: DeviceTime?,
                        hostTime: Timestamp, appendingUnlessEpisodic: Bool,
                        into output: inout DriverOutput) throws(IntelliVuePDUError) -> DecodedNumeric? {
        let physio = try v.u16()
        let stateBits = IntelliVueMeasurementState(bits: try v.u16())
        let unitCode = try v.u16()
        let value = IntelliVueFloat(bits: try v.u32())
        let descriptor: NumericDescriptor
        if let known = object.descriptor(physio: physio, unitCode: unitCode) {
            descriptor = known
        } else {
            let metric = naming.metric(physio: physio, label: object.label)
            let place = naming.mapping.placement(physio: physio, label: object.label)
            let ucum = naming.mapping.ucum(unitCode: unitCode)
            descriptor = NumericDescriptor(
                metric: metric, instance: place.instance, containment: place.containment, unit: ucum,
                unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
                vendorUnit: unitCode == 0 || ucum != nil ? nil : naming.vendorUnit(unitCode), site: place.site,
                source: place.source, displayLabel: object.labelText)
            object.remember(descriptor, physio: physio, unitCode: unitCode)
        }
        if !descriptor.isMapped { output.count(.unmappedCodes) }
        if appendingUnlessEpisodic && !isEpisodic(physio) {
            output.observations.append(.numeric(NumericReading(
                descriptor: descriptor, value: value.decimal, state: stateBits.readingState(for: value),
                reason: naming.reason(stateBits, value), deviceTime: time, hostTime: hostTime)))
            output.count(.numerics)
            return nil
        }
        return DecodedNumeric(physio: physio, state: stateBits, reading: NumericReading(
            descriptor: descriptor, value: value.decimal, state: stateBits.readingState(for: value),
            reason: naming.reason(stateBits, value), deviceTime: time, hostTime: hostTime))
    }

    static func emitWave(_ v: inout PDUReader, object: inout ObjectContext, naming: inout MetricNaming, time: DeviceTime?,
                         hostTime: Timestamp, into output: inout DriverOutput) throws(IntelliVuePDUError) {
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
        let count = raw.count / bytesPerSample
        // Written in place: an append per sample checks capacity every time.
        let samples = [Int32?](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = buffer.baseAddress!
            // One loop per sample width and marker rule, so the loop body has no branch but the
            // marker test a wave actually needs.
            switch (bytesPerSample, invalidMask) {
            case (2, 0):
                for k in 0..<count { (out + k).initialize(to: Int32((UInt32(raw[2 * k]) << 8 | UInt32(raw[2 * k + 1])) & mask)) }
            case (2, _):
                for k in 0..<count {
                    let s = UInt32(raw[2 * k]) << 8 | UInt32(raw[2 * k + 1])
                    (out + k).initialize(to: s & invalidMask == invalidMask ? nil : Int32(s & mask))
                }
            case (_, 0):
                for k in 0..<count { (out + k).initialize(to: Int32(UInt32(raw[k]) & mask)) }
            default:
                for k in 0..<count {
                    let s = UInt32(raw[k])
                    (out + k).initialize(to: s & invalidMask == invalidMask ? nil : Int32(s & mask))
                }
            }
            initialized = count
        }
        let reason: String?
        if let memo = wave.reasonMemo, memo.bits == stateBits.bits {
            reason = memo.reason
        } else {
            var made = naming.reason(stateBits, nil)
            if let note = wave.scaleNote { made = made.map { $0 + "; " + note } ?? note }
            object.wave.reasonMemo = (stateBits.bits, made)
            reason = made
        }
        let unitCode = wave.unitCode ?? 0
        let descriptor = waveDescriptor(physio: physio, unitCode: unitCode, scale: scale, object: &object, naming: &naming)
        let segment = WaveformSegment(descriptor: descriptor, samples: samples, state: stateBits.readingState(for: .value(0)),
                                      reason: reason, deviceTime: time, hostTime: hostTime)
        output.observations.append(.waveform(segment))
        output.count(.waveforms)
    }

    /// What a wave is (metric, place, units, scale, sample period) for its physiological id and
    /// unit under the object's current labels: made from the tables once, then kept with the object
    /// until a label, the unit, the scale or the period changes.
    private static func waveDescriptor(physio: UInt16, unitCode: UInt16, scale: DecimalValue, object: inout ObjectContext,
                                       naming: inout MetricNaming) -> WaveformDescriptor {
        let wave = object.wave
        let period = Int64(wave.periodTicks) * IntelliVueTime.nanosecondsPerTick
        if let known = object.waveDescriptor, known.physio == physio, known.unitCode == unitCode,
           known.descriptor.scale == scale, known.descriptor.offset == wave.offset,
           known.descriptor.samplePeriodNanoseconds == period {
            return known.descriptor
        }
        let ucum = naming.mapping.ucum(unitCode: unitCode)
        let place = naming.mapping.placement(physio: physio, label: object.label)
        let made = WaveformDescriptor(
            metric: naming.metric(physio: physio, label: object.label), instance: place.instance,
            containment: place.containment, unit: ucum, unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
            vendorUnit: unitCode == 0 || ucum != nil ? nil : naming.vendorUnit(unitCode), scale: scale, offset: wave.offset,
            samplePeriodNanoseconds: period, site: place.site, displayLabel: object.labelText)
        object.waveDescriptor = (physio, unitCode, made)
        return made
    }
}
