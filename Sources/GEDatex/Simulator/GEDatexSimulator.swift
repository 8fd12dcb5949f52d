import BedsideDriver
import BedsideModel

/// A GE S/5-family monitor's computer interface, sans-IO: answers displayed-value and waveform
/// requests with records from the scripted one-hour session in ``GEDatexScenario``.
///
/// - Displayed values: at the requested interval, with one subrecord per requested class
///   (basic unless denied, ext1–ext3 as asked), `cl_drilvl_subt` set. A level-0 request is answered
///   at DRI level 10; other levels are echoed. Interval 0 stops them; −1 sends one record.
/// - Waveforms: ECG1–3, PLETH, CO2 (and any other id from the wave table, as a flat line) once a
///   second with `act_len` = the wave's rate; a stop command ends them.
/// - The scenario runs `scenarioSpeed` times faster than the host clock (one hour in a minute at 60).
///
/// Options: `corrupt-every=N` flips one bit in every Nth frame sent (after its checksum was
/// computed) to exercise a driver's error handling.
public struct GEDatexSimulator: DeviceSimulator {
    public static let driverName = GEDatexDriver.descriptor.name
    /// Level used when the host asks at level 0.
    public static let defaultDRILevel: UInt8 = 10

    private struct NumericStream: Sendable {
        var intervalNanoseconds: Int64
        var driLevel: UInt8
        var classes: [GEDatexClass]
        var next: Timestamp
        var once: Bool
    }

    private struct WaveStream: Sendable {
        var ids: [UInt8]
        var driLevel: UInt8
        var next: Timestamp
    }

    public let scenario: GEDatexScenario
    private let speed: Double
    private let corruptEvery: Int
    private var framer = GEDatexFrameDecoder()
    private var startTime: Timestamp?
    private var numerics: NumericStream?
    private var waves: WaveStream?
    private var phdbNumber: UInt8 = 0
    private var waveNumber: UInt8 = 0
    private var framesSent = 0

    public init(configuration: SimulatorConfiguration) {
        scenario = GEDatexScenario(seed: configuration.seed)
        speed = configuration.scenarioSpeed > 0 ? configuration.scenarioSpeed : 1
        corruptEvery = configuration.options["corrupt-every"].flatMap(Int.init) ?? 0
    }

    /// Scenario seconds at host time `now`.
    public func scenarioTime(at now: Timestamp) -> Double {
        guard let startTime else { return 0 }
        return Double(now.nanoseconds(since: startTime)) / 1e9 * speed
    }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        startTime = now
        output.nextDeadline = nextDeadline
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if startTime == nil { startTime = now }
        var index = 0
        while let outcome = framer.next(in: bytes, from: &index) {
            guard outcome == .frame else { continue }
            let frame = framer.frameBytes
            frame.withUnsafeBytes { all in
                handleRequest(UnsafeRawBufferPointer(rebasing: all[0..<(all.count - 1)]), now: now)
            }
        }
        emitDue(now: now, into: &output)
        output.nextDeadline = nextDeadline
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        emitDue(now: now, into: &output)
        output.nextDeadline = nextDeadline
    }

    private var nextDeadline: Timestamp? {
        switch (numerics?.next, waves?.next) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        case (nil, nil): nil
        }
    }

    private mutating func handleRequest(_ record: UnsafeRawBufferPointer, now: Timestamp) {
        guard let header = GEDatexRecordHeader(record: record), let first = header.subrecords.first, first.type == 0 else { return }
        let body = GEDatexWire.headerLength + first.offset
        let level = header.driLevel == 0 ? Self.defaultDRILevel : header.driLevel
        switch header.mainType {
        case .physiological:
            guard body + 7 <= record.count, record[body] == 1 else { return }  // displayed values only
            let interval = record.geInt16(body + 1)
            let bits = record.geUInt32(body + 3)
            if interval == 0 {
                numerics = nil
                return
            }
            var classes: [GEDatexClass] = []
            if bits & 0x1 == 0 { classes.append(.basic) }
            if bits & 0x2 != 0 { classes.append(.ext1) }
            if bits & 0x4 != 0 { classes.append(.ext2) }
            if bits & 0x8 != 0 { classes.append(.ext3) }
            guard !classes.isEmpty else { numerics = nil; return }
            let seconds = interval < 0 ? 1 : Int64(interval)
            // The same request again (e.g. at another level of a sweep) keeps the running schedule.
            let next = numerics.map { min($0.next, now) } ?? now
            numerics = NumericStream(intervalNanoseconds: seconds * 1_000_000_000, driLevel: level, classes: classes,
                                     next: next, once: interval < 0)
        case .waveform:
            guard body + 12 <= record.count else { return }
            let command = record.geInt16(body)
            if command == GEDatexRequest.WaveformCommand.stop.rawValue {
                waves = nil
                return
            }
            var ids: [UInt8] = []
            for k in 0..<8 {
                let id = record[body + 4 + k]
                if id == GEDatexWire.subrecordListEnd { break }
                if GEDatexTables.shared.waves[Int(id)] != nil, !ids.contains(id) { ids.append(id) }
            }
            waves = ids.isEmpty ? nil : WaveStream(ids: ids, driLevel: level,
                                                   next: waves?.next ?? now.adding(nanoseconds: 1_000_000_000))
        default:
            break
        }
    }

    private mutating func emitDue(now: Timestamp, into output: inout SimulatorOutput) {
        while var stream = numerics, stream.next <= now {
            send(phdbRecord(at: stream.next, stream: stream), into: &output)
            if stream.once {
                numerics = nil
                break
            }
            stream.next = stream.next.adding(nanoseconds: stream.intervalNanoseconds)
            // After a long pause (host asleep), resume at the current time instead of replaying the backlog.
            if now.nanoseconds(since: stream.next) > 2 * stream.intervalNanoseconds { stream.next = now }
            numerics = stream
        }
        while var stream = waves, stream.next <= now {
            send(waveRecord(endingAt: stream.next, stream: stream), into: &output)
            stream.next = stream.next.adding(nanoseconds: 1_000_000_000)
            if now.nanoseconds(since: stream.next) > 2_000_000_000 { stream.next = now }
            waves = stream
        }
    }

    private mutating func send(_ record: [UInt8], into output: inout SimulatorOutput) {
        framesSent += 1
        let start = output.transmit.count
        GEDatexFrameEncoder.append(record: record, to: &output.transmit)
        if corruptEvery > 0, framesSent % corruptEvery == 0 {
            let middle = start + (output.transmit.count - start) / 2
            output.transmit[middle] ^= 0x04
        }
    }

    // MARK: Records

    private mutating func phdbRecord(at time: Timestamp, stream: NumericStream) -> [UInt8] {
        let t = scenarioTime(at: time)
        let seconds = UInt32(truncatingIfNeeded: time.secondsSinceEpoch)
        let subrecords = stream.classes.map { cls -> [UInt8] in
            classBody(cls, scenarioTime: t).subrecord(time: seconds, driLevel: stream.driLevel)
        }
        defer { phdbNumber &+= 1 }
        return GEDatexRecordBuilder.phdb(subrecords: subrecords, number: phdbNumber, driLevel: stream.driLevel, time: seconds)
    }

    /// The monitor's displayed values at scenario time `t`.
    func classBody(_ cls: GEDatexClass, scenarioTime t: Double) -> GEDatexClassBodyBuilder {
        var b = GEDatexClassBodyBuilder(cls)
        guard cls == .basic else { return b }  // no extended-class modules fitted
        let v = scenario.vitals(at: t)
        // ECG: module present and active, HR source ECG (status bits 3–6 = 1); leads II and I on channels 1, 2.
        b.header("ecg", status: 0x3 | 1 << 3, label: 0x2100)
        b.set("ecg", "hr", v.heartRate)
        b.set("ecg", "imp_rr", v.impedanceRespirationRate)
        b.set("ecg_extra", "hr_ecg", v.heartRate)
        // NIBP: adult cuff, AUTO; measuring and older-than-60-s bits from the cuff cycle.
        let cuff = scenario.cuff(at: t)
        var nibpLabel: UInt16 = 0x3 | 0x8
        if cuff.measuring { nibpLabel |= 0x20 }
        if cuff.olderThan60s { nibpLabel |= 0x100 }
        b.header("nibp", status: 0x3, label: nibpLabel)
        if let r = cuff.result {
            b.set("nibp", "sys", r.systolic)
            b.set("nibp", "dia", r.diastolic)
            b.set("nibp", "mean", r.mean)
            b.set("nibp", "hr", r.pulseRate)
        }
        // T1 tympanic (label 3).
        b.header("t1", status: 0x3, label: 3)
        b.set("t1", "temp", v.temperature)
        // SpO2.
        b.header("spo2", status: 0x3, label: 0)
        b.set("spo2", "spo2", v.spo2)
        b.set("spo2", "pr", v.pulseRate)
        b.set("spo2", "ir_amp", v.irAmplitude)
        // CO2 (side-stream, RR source CO2).
        b.header("co2", status: 0x3, label: 1)
        b.set("co2", "et", v.etCO2)
        b.set("co2", "fi", v.fiCO2)
        b.set("co2", "rr", v.co2RespirationRate)
        b.set("co2", "amb_press", v.ambientPressure)
        return b
    }

    private mutating func waveRecord(endingAt time: Timestamp, stream: WaveStream) -> [UInt8] {
        let end = scenarioTime(at: time)
        let waves = stream.ids.compactMap { id -> (id: UInt8, samples: [Int16])? in
            guard let spec = GEDatexTables.shared.waves[Int(id)] else { return nil }
            let n = spec.sampleRateHz
            var samples = [Int16]()
            samples.reserveCapacity(n)
            for k in 0..<n {
                // Sample times in scenario seconds, spread over the last host second.
                let t = end - speed * Double(n - k) / Double(n)
                samples.append(GEDatexSyntheticWaves.sample(id: id, at: t, scenario: scenario, speed: speed))
            }
            return (id, samples)
        }
        let seconds = UInt32(truncatingIfNeeded: time.secondsSinceEpoch)
        defer { waveNumber &+= 1 }
        return GEDatexRecordBuilder.waveform(waves, number: waveNumber, driLevel: stream.driLevel, time: seconds)
    }
}
