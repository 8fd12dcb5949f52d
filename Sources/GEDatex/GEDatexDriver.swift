import BedsideDriver
import BedsideModel

/// GE Datex-Ohmeda S/5 computer interface ("DRI") driver for S/5, AS/3 and CARESCAPE B450/B650
/// monitors, as a sans-IO state machine.
///
/// On ``start(now:into:)`` it asks for displayed values (basic + ext1–3) at DRI level 0 every
/// `updateIntervalSeconds` (default 5 s) and, when waveforms are enabled, for ECG1, PLETH and CO2
/// (425 samples/s, under the interface's 600 samples/s budget). Without an answer within about
/// two intervals it repeats the request at levels 11…7. Once data flows it re-requests after
/// max(3 × interval, 15 s) of silence. ``stop(now:into:)`` sends the stop requests at every level
/// that was used. With `transmitEnabled == false` it never transmits and only decodes.
///
/// Driver options (declared in ``descriptor``, checked by ``DriverOptionSpec/validate(_:for:)``):
/// ``wavesOption``, ``classesOption``, ``alarmsOption``.
///
/// Every record is checked structurally (``GEDatexRecordCheck``, ``GEDatexClockGuard``) before a
/// value is read, because the protocol's 8-bit checksum lets some damaged records through.
public struct GEDatexDriver: DeviceDriver {
    /// `waves=ecg1,pleth,co2`: the waveforms to request, by name (`none` for none). Dropped from the
    /// end of the list when over the interface's 600 samples/s budget.
    public static let wavesOption = DriverOptionSpec(
        name: "waves", kind: .list(GEDatexTables.shared.waves.compactMap { $0?.name.lowercased() } + ["none"]),
        help: "waveforms to request, by name (none for none); kept within 600 samples/s", defaultValue: "ecg1,pleth,co2")
    /// `classes=basic,ext1,ext2,ext3`: the PHDB classes to request.
    public static let classesOption = DriverOptionSpec(
        name: "classes", kind: .list(GEDatexClass.allCases.map(\.name)),
        help: "PHDB classes of displayed values to request", defaultValue: "basic,ext1,ext2,ext3")
    /// `alarms=on`: also request the alarm display texts (layout partly unverified; see the protocol README).
    public static let alarmsOption = DriverOptionSpec(
        name: "alarms", kind: .flag,
        help: "also request alarm status (texts only; priority unknown)", defaultValue: "off")

    public static let descriptor = DriverDescriptor(
        name: "ge-datex",
        vendor: "GE Healthcare (Datex-Ohmeda)",
        summary: "GE Datex-Ohmeda S/5, AS/3, CARESCAPE B450/B650 computer interface (DRI): numerics, waveforms",
        defaultSerialSettings: SerialSettings(baudRate: 19200, dataBits: 8, parity: .even, stopBits: 1, flowControl: .rtsCts),
        options: [wavesOption, classesOption, alarmsOption],
        // Displayed values come every requested interval (default 5 s).
        nominalUpdatePeriodNanoseconds: Int64(defaultIntervalSeconds) * 1_000_000_000,
        deviceRanges: GEDatexTables.shared.deviceRanges,
        detection: detection
    )

    /// The monitor is silent until asked, so the probe asks once: displayed values, basic class,
    /// transmission interval −1 (a single transmission, not a subscription), at DRI level 0, which
    /// monitors answer at their own level. A data request changes no setting of the monitor.
    public static let detection = DriverDetection(
        approach: .request(GEDatexFrameEncoder.frame(record: GEDatexRequest.displayedValues(
            intervalSeconds: -1, classes: .basic, driLevel: 0))),
        summary: "one displayed-values request (single transmission)",
        answerWithinNanoseconds: 3_000_000_000,
        // Two records: each has an 8-bit sum and passes the length and structure checks.
        sniffing: [SniffEvidence(framesNeeded: 2)])

    /// Default update interval when the configuration does not choose one.
    public static let defaultIntervalSeconds = 5
    /// Waveforms requested by default: ECG1 (300/s), PLETH (100/s), CO2 (25/s).
    public static let defaultWaveIDs: [UInt8] = [1, 8, 9]
    /// The interface's sample budget at 19200 baud.
    public static let maximumSamplesPerSecond = 600

    private let configuration: DriverConfiguration
    private var framer = GEDatexFrameDecoder()
    private var phdb: GEDatexPHDBDecoder
    private let waves: GEDatexWaveformDecoder
    private var alarms = GEDatexAlarmDecoder()
    private var session: GEDatexSession
    /// The framer's discard total when last reported.
    private var lastDiscarded = 0
    private var clock = GEDatexClockGuard()

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        let tables = GEDatexTables.shared
        phdb = GEDatexPHDBDecoder.forSharedTables()
        waves = .shared
        session = GEDatexSession(plan: Self.plan(for: configuration, tables: tables))
    }

    /// The session plan a configuration leads to (interval, classes, waveforms within budget).
    static func plan(for configuration: DriverConfiguration, tables: GEDatexTables) -> GEDatexSessionPlan {
        let interval = max(1, min(configuration.updateIntervalSeconds ?? defaultIntervalSeconds, Int(Int16.max)))
        var classes = GEDatexClassSet()
        for name in configuration.list(classesOption) ?? [] {
            if let c = GEDatexClass(name: name) { classes.insert(GEDatexClassSet(rawValue: 1 << UInt8(c.rawValue))) }
        }
        if classes.isEmpty { classes = .all }
        var waveIDs: [UInt8] = []
        if configuration.waveformsEnabled {
            for name in configuration.list(wavesOption) ?? [] {
                if let id = tables.waves.first(where: { $0?.name.lowercased() == name })??.id, !waveIDs.contains(id) {
                    waveIDs.append(id)
                }
            }
            // Keep within the sample budget, dropping from the end of the list.
            while waveIDs.reduce(0, { $0 + (tables.waves[Int($1)]?.sampleRateHz ?? 0) }) > maximumSamplesPerSecond {
                waveIDs.removeLast()
            }
        }
        return GEDatexSessionPlan(transmit: configuration.transmitEnabled, intervalSeconds: interval, classes: classes,
                                  waveIDs: waveIDs, alarms: configuration.flag(alarmsOption))
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        session.start(now: now, into: &output)
        stateDeadline(&output)
    }

    /// Every call states the session's deadline afresh (``DriverOutput/reset()`` cleared it).
    private func stateDeadline(_ output: inout DriverOutput) {
        if let d = session.nextDeadline { output.wake(at: d) }
    }

    /// When the session just lost sight of the monitor (silent, stopped), its open alarms end
    /// first, so the link event that follows finds none left to end.
    private mutating func endAlarmsIfSightLost(from index: Int, now: Timestamp, into output: inout DriverOutput) {
        guard alarms.activeCount > 0, index < output.observations.count,
              let at = output.observations[index...].firstIndex(where: { if case .link(let l) = $0 { l.losesSight } else { false } }),
              case .link(let l) = output.observations[at] else { return }
        var ends: [Observation] = []
        alarms.endAll(reason: "link \(l.kind.rawValue): the monitor's alarm list can no longer be seen", hostTime: now, into: &ends)
        output.observations.insert(contentsOf: ends, at: at)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        var index = 0
        while let outcome = framer.next(in: bytes, from: &index) {
            switch outcome {
            case .frame:
                let frame = framer.frame
                frame.bytes.withUnsafeBytes { all in
                    handleRecord(UnsafeRawBufferPointer(rebasing: all[0..<(frame.count - 1)]), now: now, into: &output)
                }
            case .checksumError:
                output.count(.checksumErrors)
                session.badFrame(now: now, into: &output)
            case .lengthError:
                output.count(.lengthErrors)
                session.badFrame(now: now, into: &output)
            case .unknownMainType:
                output.count(.malformedFrames)
                output.count("records.unknown-maintype")
                session.badFrame(now: now, into: &output)
            case .oversize:
                output.count(.lengthErrors)
                output.count("frames.oversize")
                session.badFrame(now: now, into: &output)
            }
        }
        let discarded = framer.counters.bytesDiscarded - lastDiscarded
        if discarded > 0 {
            output.count(.bytesDiscarded, by: discarded)
            lastDiscarded = framer.counters.bytesDiscarded
        }
        stateDeadline(&output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        let index = output.observations.count
        session.tick(now: now, into: &output)
        endAlarmsIfSightLost(from: index, now: now, into: &output)
        stateDeadline(&output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        let index = output.observations.count
        session.stop(now: now, into: &output)
        endAlarmsIfSightLost(from: index, now: now, into: &output)
        // Nothing more to wait for: no deadline.
    }

    /// Frame-level totals since the driver was created.
    public var frameCounters: GEDatexFrameDecoder.Counters { framer.counters }

    private mutating func handleRecord(_ record: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        guard let header = GEDatexRecordHeader(record: record), let mainType = header.mainType else { return }
        if let failure = GEDatexRecordCheck.check(record, header: header, mainType: mainType) {
            output.count(.malformedFrames)
            output.count(failure.counter)
            session.badFrame(now: now, into: &output)
            return
        }
        if mainType != .network, mainType != .anaesthesiaRecord,
           !clock.accept(time: header.time, crossChecked: mainType == .physiological) {
            output.count(.malformedFrames)
            output.count("records.time-jump")
            session.badFrame(now: now, into: &output)
            return
        }
        output.count(.framesAccepted)
        let offset = configuration.deviceTimeZone
        switch mainType {
        case .physiological:
            phdb.decode(record: record, header: header, hostTime: now, zone: offset, into: &output)
        case .waveform:
            if configuration.waveformsEnabled {
                waves.decode(record: record, header: header, context: phdb, hostTime: now, zone: offset,
                             into: &output)
            }
        case .alarm:
            alarms.decode(record: record, header: header, hostTime: now, zone: offset, into: &output)
        case .network, .anaesthesiaRecord:
            output.count("records.ignored")
        }
        session.recordArrived(mainType: mainType, level: header.driLevel, now: now, into: &output)
    }
}

