import BedsideModel

/// The simulated monitor's objects (MDS, numerics, alert monitor, waves, demographics) as poll
/// results present them.
extension IntelliVueSimulator {
    typealias Object = MonitorMessages.PolledObject

    func polledObjects(objectClass: UInt16, group: UInt16, association a: MonitorState.Association,
                       now: Timestamp) -> [Object] {
        switch objectClass {
        case Nomenclature.ObjectClass.mds:
            return [Object(handle: 0, attributes: mdsAttributes(now, full: true))]
        case Nomenclature.ObjectClass.numeric:
            return numericObjects(group: group, now: now)
        case Nomenclature.ObjectClass.alertMonitor:
            return [alertMonitorObject(group: group, now: now)]
        case Nomenclature.ObjectClass.sampleArray:
            return waveObjects(group: group, labels: a.wavePriorityList, now: now)
        case Nomenclature.ObjectClass.patientDemographics:
            return [demographicsObject()]
        default:
            return []
        }
    }

    /// Simulated values can never pass as patient data: every value carries the protocol's own
    /// DEMO_DATA state bit, every alarm the DEV_IN_DEMO_MODE alert state, and the MDS says demo mode.
    static let demoData: UInt16 = 0x0400
    static let devInDemoMode: UInt16 = 0x0100

    private static func includesValues(_ group: UInt16) -> Bool { group == 0 || group == Nomenclature.AttributeGroup.metricObservedValue }
    private static func includesLabels(_ group: UInt16) -> Bool { group == 0 || group == 0x0810 }
    private static func includesStatic(_ group: UInt16) -> Bool { group == 0 || group == Nomenclature.AttributeGroup.vmoStatic }

    private func numericObjects(group: UInt16, now: Timestamp) -> [Object] {
        let v = vitals(now)
        typealias Value = (physio: UInt16, unit: UInt16, mantissa: Int, exponent: Int8)
        let bpm: UInt16 = 0x0aa0, rpm: UInt16 = 0x0ae0, mmHg: UInt16 = 0x0f20
        let table: [(UInt16, UInt32, String, [Value])] = [
            (0x0101, 0x0002_4182, "HR", [(0x4182, bpm, v.heartRate, 0)]),
            (0x0102, 0x0002_500a, "RR", [(0x500a, rpm, v.respirationRate, 0)]),
            (0x0103, 0x0002_4bb8, "SpO₂", [(0x4bb8, 0x0220, v.spo2 * 10, -1)]),
            (0x0104, 0x0002_4822, "Pulse", [(0x4822, bpm, v.pulseRate, 0)]),
            (0x0105, 0x0002_4bb0, "Perf", [(0x4bb0, 0x0200, v.perfusionIndexTenths, -1)]),
            (0x0106, 0x0002_4a14, "ABP", [(0x4a15, mmHg, v.abpSystolic, 0), (0x4a16, mmHg, v.abpDiastolic, 0),
                                          (0x4a17, mmHg, v.abpMean, 0)]),
            (0x0107, 0x0002_4a04, "NBP", [(0x4a05, mmHg, v.nbpSystolic, 0), (0x4a06, mmHg, v.nbpDiastolic, 0),
                                          (0x4a07, mmHg, v.nbpMean, 0)]),
            (0x0108, 0x0002_50ac, "CO₂", [(0x50b0, mmHg, v.etco2, 0), (0x50ba, mmHg, v.imco2, 0)]),
            (0x0109, 0x0002_5012, "awRR", [(0x5012, rpm, v.airwayRespirationRate, 0)]),
            (0x010a, 0x0002_4b60, "Tcore", [(0x4b60, 0x17a0, v.temperatureCentiCelsius, -2)]),
        ]
        return table.map { handle, label, text, values in
            var o = Object(handle: handle)
            if Self.includesStatic(group) {
                o.attributes.add(Nomenclature.Attribute.idType) { w in w.u16(1); w.u16(Nomenclature.ObjectClass.numeric) }
            }
            if Self.includesLabels(group) {
                o.attributes.add(Nomenclature.Attribute.idLabel) { w in w.u32(label) }
                o.attributes.add(Nomenclature.Attribute.idLabelString) { w in MonitorMessages.string(&w, text, padTo: 8) }
            }
            if Self.includesValues(group) {
                if values.count == 1 {
                    o.attributes.add(Nomenclature.Attribute.numericObserved) { w in
                        MonitorMessages.numericValue(&w, physio: values[0].physio, state: Self.demoData, unit: values[0].unit,
                                                     mantissa: values[0].mantissa, exponent: values[0].exponent)
                    }
                } else {
                    o.attributes.add(Nomenclature.Attribute.numericCompoundObserved) { w in
                        w.u16(UInt16(values.count)); w.u16(UInt16(10 * values.count))
                        for x in values {
                            MonitorMessages.numericValue(&w, physio: x.physio, state: Self.demoData, unit: x.unit, mantissa: x.mantissa,
                                                         exponent: x.exponent)
                        }
                    }
                }
            }
            return o
        }
    }

    private func alertMonitorObject(group: UInt16, now: Timestamp) -> Object {
        var o = Object(handle: 1)
        if Self.includesStatic(group) {
            o.attributes.add(Nomenclature.Attribute.idType) { w in w.u16(1); w.u16(Nomenclature.ObjectClass.alertMonitor) }
        }
        guard group == 0 || group == Nomenclature.AttributeGroup.alertMonitor else { return o }
        let alarms = Scenario.alarms(for: vitals(now))
        let maxType = alarms.map(\.type).max() ?? 0
        o.attributes.add(Nomenclature.Attribute.deviceAlertCondition) { w in
            w.u16(0); w.u16(0); w.u16(maxType); w.u16(0); w.u16(maxType)
        }
        o.attributes.add(Nomenclature.Attribute.alarmListPatient) { w in
            var entries = PDUWriter()
            for alarm in alarms {
                entries.u16(alarm.source); entries.u16(alarm.code); entries.u16(alarm.type); entries.u16(Self.devInDemoMode)
                entries.u16(Nomenclature.ObjectClass.numeric); entries.u16(1); entries.u16(alarm.objectHandle)
                entries.u16(Nomenclature.stringAlertInfo)
                var info = PDUWriter()
                info.u16(0); info.u32(0); info.u16(0); info.u16(0x4000)
                MonitorMessages.string(&info, alarm.text, padTo: 20)
                entries.u16(UInt16(info.bytes.count)); entries.append(info.bytes)
            }
            w.u16(UInt16(alarms.count)); w.u16(UInt16(entries.bytes.count)); w.append(entries.bytes)
        }
        o.attributes.add(Nomenclature.Attribute.alarmListTechnical) { w in w.u16(0); w.u16(0) }
        return o
    }

    private func waveObjects(group: UInt16, labels: [UInt32], now: Timestamp) -> [Object] {
        let v = vitals(now)
        let blockStart = now.adding(nanoseconds: -256_000_000).nanoseconds(since: powerOn)
        var out: [Object] = []
        for label in labels {
            // (handle, physio, period ticks, samples per block, scale, unit, text)
            let spec: (UInt16, UInt16, UInt32, Int, (Int, Int8, Int, Int8, UInt16, UInt16)?, UInt16, String, UInt8, UInt16)
            switch label {
            case 0x0002_0102: spec = (0x0201, 0x0102, 16, 128, (-4096, -2, 40955, -3, 0, 16383), 0x10b2, "II", 14, 0x3000)
            case 0x0002_4bb4: spec = (0x0202, 0x4bb4, 64, 32, nil, 0x0200, "Pleth", 12, 0x8000)
            case 0x0002_50ac: spec = (0x0203, 0x50ac, 128, 16, (-5, 0, 60, 0, 100, 4000), 0x0f20, "CO₂", 12, 0x8000)
            default: continue
            }
            var o = Object(handle: spec.0)
            if group == 0 || group == Nomenclature.AttributeGroup.vmoStatic {
                o.attributes.add(Nomenclature.Attribute.sampleArraySpec) { w in
                    w.u16(UInt16(spec.3)); w.u8(16); w.u8(spec.7); w.u16(spec.8)
                }
                o.attributes.add(Nomenclature.Attribute.timePeriodSample) { w in w.u32(spec.2) }
                o.attributes.add(Nomenclature.Attribute.scaleSpecI16) { w in
                    if let s = spec.4 {
                        MonitorMessages.float(&w, mantissa: s.0, exponent: s.1); MonitorMessages.float(&w, mantissa: s.2, exponent: s.3)
                        w.u16(s.4); w.u16(s.5)
                    } else {
                        w.u32(IntelliVueFloat.notANumberBits); w.u32(IntelliVueFloat.notANumberBits); w.u16(0); w.u16(4095)
                    }
                }
                o.attributes.add(Nomenclature.Attribute.unitCode) { w in w.u16(spec.5) }
            }
            if group == 0 || group == 0x0810 {
                o.attributes.add(Nomenclature.Attribute.idLabel) { w in w.u32(label) }
                o.attributes.add(Nomenclature.Attribute.idLabelString) { w in MonitorMessages.string(&w, spec.6, padTo: 8) }
            }
            let ticksPerSample = Int64(spec.2)
            let n0 = blockStart / (ticksPerSample * IntelliVueTime.nanosecondsPerTick)
            o.attributes.add(Nomenclature.Attribute.sampleArrayObserved) { w in
                w.u16(spec.1); w.u16(Self.demoData); w.u16(UInt16(2 * spec.3))
                for i in 0..<Int64(spec.3) {
                    let n = n0 + i
                    switch label {
                    case 0x0002_0102: w.u16(scenario.ecgSample(n, heartRate: v.heartRate))
                    case 0x0002_4bb4: w.u16(scenario.plethSample(n, heartRate: v.pulseRate))
                    default: w.u16(scenario.co2Sample(n, respirationRate: v.airwayRespirationRate, etco2: v.etco2))
                    }
                }
            }
            out.append(o)
        }
        return out
    }

    /// Demographics with a (fictitious) name and id, so tests can prove they never leave the driver.
    private func demographicsObject() -> Object {
        var o = Object(handle: 1)
        o.attributes.add(0x095c) { w in MonitorMessages.string(&w, "Simpatient", padTo: 16) }  // family name
        o.attributes.add(0x095d) { w in MonitorMessages.string(&w, "Alex", padTo: 16) }        // given name
        o.attributes.add(0x095a) { w in MonitorMessages.string(&w, "SIM-0042", padTo: 16) }    // patient id
        o.attributes.add(0x09dc) { w in MonitorMessages.float(&w, mantissa: 175); w.u16(0x0511) }  // height, cm
        o.attributes.add(0x09df) { w in MonitorMessages.float(&w, mantissa: 725, exponent: -1); w.u16(0x06c3) }  // weight, kg
        return o
    }
}
