import BedsideDriver
import BedsideModel

/// B. Braun Space (SpaceStation with SpaceCom) and CompactPlus "BCC" driver, as a sans-IO state
/// machine, read-only.
///
/// It initialises the link with `ADMIN:ALIVE`, asks `ADMIN:VERSION`, then polls `MEM:GET` every
/// interval (default 5 s), acknowledging each block (``BCCSession``). Each pump slot of the rack
/// becomes a subdevice (`pillar1/slot2`) with its identity, numerics (rate, VTBI, volume infused,
/// time remaining, concentration, dose rate …), its channel state, its alarms and the infusion
/// events derived from their changes. It never sends anything but `ADMIN:ALIVE`, `ADMIN:VERSION`,
/// `MEM:GET`, `<ACK>` and `<NAK>`.
///
/// Driver options: ``stuffingOption``, ``wordsOption``, ``intervalOption``.
public struct BBraunBCCDriver: DeviceDriver {
    /// `stuffing=on`: the ComDevice's "Character Stuffing" setting (its web page, BCC protocol settings).
    public static let stuffingOption = DriverOptionSpec(
        name: "stuffing", kind: .flag,
        help: "the ComDevice's Character Stuffing setting (off for protocol type BCC 3.3x)", defaultValue: "off")
    /// `words=auto`: how STATUS1/ALARM1/ALARM2/PREALARM are written (no public capture shows it).
    public static let wordsOption = DriverOptionSpec(
        name: "words", kind: .choice(BCCWordFormat.allCases.map(\.rawValue)),
        help: "how the 32-bit status and alarm words are written (auto: 0x…/…h/8 hex digits, else decimal)",
        defaultValue: "auto")
    /// `interval=5`: seconds between `MEM:GET` polls (the specification asks ≥ 0.5 s after an answer).
    public static let intervalOption = DriverOptionSpec(
        name: "interval", kind: .integer(1...3600), help: "seconds between MEM:GET polls (default: --interval, else 5)")

    public static let descriptor = DriverDescriptor(
        name: "bbraun-bcc",
        vendor: "B. Braun",
        summary: "B. Braun Space (SpaceStation/SpaceCom) and CompactPlus pump racks, BCC protocol: pump channels, alarms, infusion events",
        defaultSerialSettings: SerialSettings(baudRate: 9600, dataBits: 8, parity: .none, stopBits: 1, flowControl: .none),
        options: [stuffingOption, wordsOption, intervalOption],
        nominalUpdatePeriodNanoseconds: 5_000_000_000,
        detection: detection)

    /// The probe sends `ADMIN:ALIVE` with the initial bed id, unstuffed, at 9600 8N1: the request
    /// that opens every BCC session and that the specification gives no effect on any pump; the
    /// ComDevice answers `GNACK` with its bed id. 3 s: the session's own answer time-out.
    public static let detection = DriverDetection(
        approach: .request(BCCFraming.request("ADMIN:ALIVE", bedId: BCCFraming.initialBedId, stuffing: false)),
        summary: "one ADMIN:ALIVE request", answerWithinNanoseconds: 3_000_000_000)

    let configuration: DriverConfiguration
    let tables = BCCTables.shared
    let wordFormat: BCCWordFormat
    private var framer: BCCFrameDecoder
    private var session: BCCSession
    var rack = BCCRackState()

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        let stuffing = configuration.flag(Self.stuffingOption)
        wordFormat = configuration.text(Self.wordsOption).flatMap { BCCWordFormat(rawValue: $0) } ?? .auto
        // The option, else the bridge-wide --interval, else 5 s.
        let interval = configuration.options[Self.intervalOption.name].flatMap { Int($0) } ?? configuration.updateIntervalSeconds ?? 5
        framer = BCCFrameDecoder(stuffing: stuffing)
        session = BCCSession(stuffing: stuffing, transmit: configuration.transmitEnabled,
                             pollIntervalSeconds: max(1, min(interval, 3600)))
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        session.start(now: now, into: &output)
        output.count(.sessionsStarted)
        stateDeadline(&output)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for event in framer.feed(bytes) {
            switch event {
            case .frame(let f):
                output.count(.framesAccepted)
                handle(session.frame(f, now: now, into: &output), now: now, into: &output)
            case .error(let e):
                output.count(DriverCounter(e.counterName))
                session.badFrame(now: now, into: &output)
            }
        }
        let stray = framer.takeDiscarded()
        if stray > 0 { output.count(.bytesDiscarded, by: stray) }
        stateDeadline(&output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        if session.tick(now: now, into: &output) {
            framer.reset()
            rack.lostSight(now: now, into: &output)
        }
        stateDeadline(&output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        session.stop(now: now, into: &output)
        rack.endAllAlarms(reason: "polling stopped", now: now, into: &output)
    }

    private func stateDeadline(_ output: inout DriverOutput) {
        if let d = session.nextDeadline { output.wake(at: d) }
    }

    private mutating func handle(_ accepted: BCCSession.Accepted, now: Timestamp, into output: inout DriverOutput) {
        switch accepted {
        case .alive(let bedId):
            // Merged: several frames of one read may each say something about the ComDevice.
            var update = output.identity ?? DeviceIdentityUpdate()
            update.model = "B. Braun ComDevice (bed id \(bedId))"
            output.identity = update
        case .version(let v):
            if let v {
                var update = output.identity ?? DeviceIdentityUpdate()
                update.softwareVersion = "BCC \(v)"
                output.identity = update
            }
        case .block(let f, let last):
            if let jump = rack.clockWentBack(in: f) {
                // A restarted ComDevice: its session is over (values stale, alarms ended); the block's
                // values are its new ones, and the link starts again with ADMIN:ALIVE.
                output.observations.append(.link(LinkEvent(
                    kind: .disconnected, detail: "the ComDevice restarted (its clock went back from \(jump.from) s to \(jump.to) s); re-initialising",
                    hostTime: now)))
                rack.lostSight(now: now, into: &output)
                rack.block(f, last: false, tables: tables, wordFormat: wordFormat, now: now, into: &output)
                session.restart(now: now, into: &output)
                return
            }
            rack.block(f, last: last, tables: tables, wordFormat: wordFormat, now: now, into: &output)
        case .listened(let f):
            // Listening only: every block is read; a cycle ends with its <ETX> block.
            let (records, _) = BCCQuadruple.parse(f.information)
            if records.contains(where: { $0.value == nil && $0.address.isComDevice }) { return }
            if records.contains(where: { $0.parameter == "GNACK" }) { return }
            rack.block(f, last: f.terminator == .lastBlock, tables: tables, wordFormat: wordFormat, now: now, into: &output)
        case .ignored:
            output.count("frames.unexpected")
        }
    }
}
