import BedsideDriver
import BedsideModel

/// What the driver knows about the rack between answers: which pumps are present, their alarms,
/// their last values and channel states (to derive events and to mark values on removal), and the
/// anchor of the ComDevice's power-on clock.
struct BCCRackState: Sendable {
    /// Pumps seen in this session, in slot order.
    private(set) var known: [BCCAddress: [NumericReading]] = [:]
    private var alarms: [BCCAddress: AlarmLifecycle] = [:]
    private var deriver = InfusionEventDeriver()
    /// Pumps answered for in the cycle in progress, and those the ComDevice reported removed.
    private var seen: Set<BCCAddress> = []
    private var removedInCycle: Set<BCCAddress> = []
    private var cycles = 0
    /// The cycle cannot say which pumps are present (topology error, GNERR 5x).
    private var cycleInconclusive = false
    /// Communication errors (GNERR 4x) already reported, by slot.
    private var communicationErrors: [BCCAddress: Int] = [:]
    /// Host time at ComDevice second `anchorSeconds`: BCC carries no wall clock (pumps.md §1.6).
    private var anchor: (seconds: Int64, host: Timestamp)?
    private var lastSeconds: Int64?
    private var sightLost = false

    /// The device time of a quadruple: the ComDevice's power-on seconds, anchored to the host time
    /// of the first answer of the session (re-anchored after a restart, ``clockWentBack(in:)``).
    mutating func deviceTime(_ seconds: Int64, now: Timestamp) -> DeviceTime {
        lastSeconds = max(lastSeconds ?? seconds, seconds)
        if anchor == nil { anchor = (seconds, now) }
        return .utc(anchor!.host.adding(nanoseconds: (seconds - anchor!.seconds) * 1_000_000_000))
    }

    /// Whether the ComDevice's clock went back in this block: it restarted. The clock is then
    /// re-anchored; the caller ends the old session.
    mutating func clockWentBack(in f: BCCFrame) -> (from: Int64, to: Int64)? {
        guard let last = lastSeconds, let earliest = BCCQuadruple.parse(f.information).records.map(\.time).min(),
              earliest < last else { return nil }
        anchor = nil
        lastSeconds = nil
        return (last, earliest)
    }

    mutating func block(_ f: BCCFrame, last: Bool, tables: BCCTables, wordFormat: BCCWordFormat, now: Timestamp,
                        into output: inout DriverOutput) {
        let (records, rejected) = BCCQuadruple.parse(f.information)
        if !rejected.isEmpty { output.count("records.rejected", by: rejected.count) }
        if sightLost, !records.isEmpty {
            sightLost = false
            deriver.communicationChanged(subdevices: known.keys.sorted().map { Optional($0.subdevice) },
                                         detail: "communication restored", hostTime: now, into: &output.observations)
        }
        var reports: [BCCAddress: BCCPumpReport] = [:]
        var order: [BCCAddress] = []
        for q in records {
            if reports[q.address] == nil {
                reports[q.address] = BCCPumpReport(address: q.address, time: q.time)
                order.append(q.address)
            }
            reports[q.address]?.add(q)
        }
        for address in order {
            guard let report = reports[address] else { continue }
            let dt = deviceTime(report.time, now: now)
            if address.isComDevice {
                comDevice(report, now: now, into: &output)
            } else {
                pump(report, deviceTime: dt, tables: tables, wordFormat: wordFormat, now: now, into: &output)
            }
        }
        if last { endCycle(now: now, into: &output) }
    }

    private mutating func comDevice(_ report: BCCPumpReport, now: Timestamp, into output: inout DriverOutput) {
        var update = output.identity ?? DeviceIdentityUpdate()
        if let s = report.text("COMSERIALNO") { update.serialNumber = s }
        if let v = report.text("COMSWVERSION") { update.softwareVersion = v }
        if update != DeviceIdentityUpdate() { output.identity = update }
        for code in report.errors {
            switch code {
            case 11:
                break  // no pumps: the cycle's end removes any known ones
            case 50...59:
                cycleInconclusive = true
                output.observations.append(.link(LinkEvent(kind: .error, detail: "GNERR \(code): \(BCCErrorCode.describe(String(code)))",
                                                           hostTime: now)))
            default:
                output.observations.append(.link(LinkEvent(kind: .error, detail: "GNERR \(code): \(BCCErrorCode.describe(String(code)))",
                                                           hostTime: now)))
            }
        }
    }

    private mutating func pump(_ report: BCCPumpReport, deviceTime: DeviceTime, tables: BCCTables, wordFormat: BCCWordFormat,
                               now: Timestamp, into output: inout DriverOutput) {
        let address = report.address
        let subdevice = address.subdevice
        for code in report.errors {
            if code == 39 {
                removedInCycle.insert(address)
                remove(address, detail: "GNERR 39: pump removed from the rack", deviceTime: deviceTime, now: now, into: &output)
            } else if (40...49).contains(code) {
                if communicationErrors[address] != code {
                    communicationErrors[address] = code
                    output.observations.append(.link(LinkEvent(
                        kind: .error, detail: "GNERR \(code): \(BCCErrorCode.describe(String(code)))", hostTime: now, subdevice: subdevice)))
                }
            } else {
                output.observations.append(.link(LinkEvent(
                    kind: .error, detail: "GNERR \(code): \(BCCErrorCode.describe(String(code)))", hostTime: now, subdevice: subdevice)))
            }
        }
        guard !report.values.isEmpty else {
            if !report.errors.contains(39), known[address] != nil { seen.insert(address) }
            return
        }
        seen.insert(address)
        if communicationErrors.removeValue(forKey: address) != nil {
            output.observations.append(.link(LinkEvent(kind: .connected, detail: "pump answers again", hostTime: now, subdevice: subdevice)))
        }
        if known[address] == nil {
            known[address] = []
            if cycles > 0 || report.isNew {
                deriver.pumpAdded(subdevice: subdevice, detail: report.modelCode.map { "pump \(BCCPumpModel.name(for: $0)) inserted" },
                                  deviceTime: deviceTime, hostTime: now, into: &output.observations)
            }
        }
        if let update = BCCPumpModel.identity(report), update != DeviceIdentityUpdate() {
            output.subdeviceIdentities[subdevice] = update
        }

        let numerics = BCCNormalizer.numerics(report, tables: tables, deviceTime: deviceTime, now: now, subdevice: subdevice)
        var unmapped = 0
        for r in numerics where !r.metric.isMapped { unmapped += 1 }
        if !numerics.isEmpty { output.count(.numerics, by: numerics.count) }
        if unmapped > 0 { output.count(.unmappedCodes, by: unmapped) }
        output.observations.append(contentsOf: numerics.map { .numeric($0) })
        known[address] = numerics

        let meaning = BCCPumpInterpretation(report: report, tables: tables, wordFormat: wordFormat)
        if !meaning.unknownBits.isEmpty { output.count("words.unknown-bits", by: meaning.unknownBits.count) }
        var lifecycle = alarms[address] ?? AlarmLifecycle(subdevice: subdevice)
        lifecycle.update(present: meaning.alarms, deviceTime: deviceTime, hostTime: now, into: &output.observations)
        alarms[address] = lifecycle

        let state = BCCNormalizer.channel(report, meaning: meaning, numerics: numerics, tables: tables,
                                          deviceTime: deviceTime, now: now, subdevice: subdevice)
        output.observations.append(.pumpChannel(state))
        let stopping = meaning.alarms.filter { a in
            guard let row = tables.alarms[BCCTables.AlarmKey(word: String(a.key.split(separator: ".")[0]),
                                                             bit: Int(a.key.split(separator: ".").last ?? "") ?? -1)] else { return true }
            return row.effect == .stops || row.effect == .complete
        }
        deriver.update(state, signals: .init(bolusActive: meaning.bolusActive, nearEnd: meaning.nearEnd,
                                             alarms: Dictionary(stopping.map { ($0.key, $0.text) }, uniquingKeysWith: { a, _ in a })),
                       into: &output.observations)
    }

    private mutating func endCycle(now: Timestamp, into output: inout DriverOutput) {
        if !cycleInconclusive {
            for address in known.keys.sorted() where !seen.contains(address) && !removedInCycle.contains(address) {
                remove(address, detail: "pump no longer in the rack's answer", deviceTime: nil, now: now, into: &output)
            }
        }
        seen.removeAll()
        removedInCycle.removeAll()
        cycleInconclusive = false
        cycles += 1
    }

    private mutating func remove(_ address: BCCAddress, detail: String, deviceTime: DeviceTime?, now: Timestamp,
                                 into output: inout DriverOutput) {
        guard let last = known.removeValue(forKey: address) else { return }
        let subdevice = address.subdevice
        alarms[address]?.endAll(reason: "pump removed from the rack", hostTime: now, into: &output.observations)
        alarms[address] = nil
        communicationErrors[address] = nil
        for var r in last where r.state != .absent {
            r.state = .absent
            r.value = nil
            r.reason = "pump removed from the rack"
            r.ageNanoseconds = now.nanoseconds(since: r.hostTime)
            r.hostTime = now
            output.observations.append(.numeric(r))
        }
        if var state = deriver.state(subdevice: subdevice) {
            state = PumpChannelState(channel: state.channel, channelIndex: state.channelIndex, containment: state.containment,
                                     mode: state.mode, status: .unknown, drug: state.drug, concentration: state.concentration,
                                     deviceTime: deviceTime, hostTime: now, subdevice: subdevice)
            output.observations.append(.pumpChannel(state))
        }
        deriver.pumpRemoved(subdevice: subdevice, detail: detail, deviceTime: deviceTime, hostTime: now, into: &output.observations)
    }

    /// The link went silent: one communication event per pump (values go stale through the ledger).
    mutating func lostSight(now: Timestamp, into output: inout DriverOutput) {
        endAllAlarms(reason: "link silent: the pumps' alarms can no longer be seen", now: now, into: &output)
        guard !known.isEmpty, !sightLost else { return }
        sightLost = true
        let subdevices = known.keys.sorted().map { Optional($0.subdevice) }
        deriver.communicationChanged(subdevices: subdevices, detail: "communication lost", hostTime: now, into: &output.observations)
        // What runs now is not known until the rack answers again.
        for state in deriver.unknownStates(subdevices: subdevices, hostTime: now) { output.observations.append(.pumpChannel(state)) }
        seen.removeAll()
        removedInCycle.removeAll()
    }

    mutating func endAllAlarms(reason: String, now: Timestamp, into output: inout DriverOutput) {
        for address in alarms.keys.sorted() { alarms[address]?.endAll(reason: reason, hostTime: now, into: &output.observations) }
    }
}
