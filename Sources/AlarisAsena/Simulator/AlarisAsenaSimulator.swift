import BedsideDriver
import BedsideModel
import BedsideScenario

/// An Alaris GH syringe pump on its RS-232 port, sans-IO, running the scripted ketamine programme
/// (``InfusionProgram`` on the ``InfusionSessionTimeline`` clock).
///
/// It answers the read commands of pumps.md §2.2 with the reply shapes given there: `INST_SERIALNO`,
/// `COMMS_PROTOCOL` (`Asena Rev 2.1.5`), `COMMS_RESPONSE_MAX` (`4000^ms`), `INF`, `INF_VTBI`,
/// `ALARM`, `SYRINGE_STATUS`. Where the public facts stop, it makes choices a reader must not take for
/// the pump's: the mode field is always `SET` (the only token known), the time remaining is whole
/// minutes (or `24+`), the alarm codes for occlusion, near end and end of infusion are `AL_OCCLU`,
/// `AL_NEOIN`, `AL_EOIST` (codes from a public list, meanings read from their names). Control
/// commands (`INF_RATE^…`, `INF_START`, `REMOTE_CTRL`, …) get no answer and are recorded in
/// ``refusedCommands``.
///
/// Options: `start=<seconds>` (scenario second to start at, default 0), `clock=power-on|first-poll|per-poll:<seconds>`
/// (how scenario time runs: ``ScenarioClock``; a data request is an `INF`), `misbehave=<fault>@<seconds>[+<duration>][,…]` (real seconds since start): `silence`
/// (no answer, default 20 s: a pulled cable), `corrupt-frame` (next reply with a bad CRC),
/// `abort` (next reply cut short with `<ESC>`), `restart` (no answer for 10 s, then answers again).
public struct AlarisAsenaSimulator: DeviceSimulator {
    public static let driverName = AlarisAsenaDriver.descriptor.name
    public static let faultNames: Set<String> = ["silence", "corrupt-frame", "abort", "restart"]

    let serial: String
    private var clock: ScenarioClock
    let faults: SimulatorFaultSchedule
    let program = InfusionProgram()
    private var decoder = AsenaFrameDecoder()
    private var started: Timestamp?
    private var faultsSeenUpTo: Int64 = -1
    private var corruptNext = false
    private var abortNext = false
    private var logEntry = 127_904
    public private(set) var refusedCommands: [String] = []
    public private(set) var commands: [String] = []

    public init(configuration: SimulatorConfiguration) {
        serial = "8002-\(51740 + Int(configuration.seed % 1000))"
        clock = ScenarioClock(options: configuration.options, speed: configuration.scenarioSpeed)
        faults = SimulatorFaultSchedule(option: configuration.options["misbehave"], known: Self.faultNames)
    }

    public var optionProblems: [String] { clock.problems + faults.problems }

    /// Scenario seconds at `now`.
    public func scenarioTime(at now: Timestamp) -> Double { clock.seconds(at: now.nanosecondsSinceEpoch) }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        started = now
        clock.powerOn(at: now.nanosecondsSinceEpoch)
        output.nextDeadline = nextFaultDeadline(now)
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        runFaults(now)
        output.nextDeadline = nextFaultDeadline(now)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if started == nil { start(now: now, into: &output) }
        runFaults(now)
        let e = started.map { now.nanoseconds(since: $0) } ?? 0
        let silent = faults.active("silence", elapsed: e, defaultDuration: 20_000_000_000)
            || faults.active("restart", elapsed: e, defaultDuration: 10_000_000_000)
        for event in decoder.feed(bytes) {
            guard !silent, case .frame(let fields) = event else { continue }
            answer(fields, now: now, into: &output)
        }
        output.nextDeadline = nextFaultDeadline(now)
    }

    private mutating func runFaults(_ now: Timestamp) {
        let e = started.map { now.nanoseconds(since: $0) } ?? 0
        for f in faults.faults where f.at > faultsSeenUpTo && f.at <= e {
            if f.name == "corrupt-frame" { corruptNext = true }
            if f.name == "abort" { abortNext = true }
        }
        faultsSeenUpTo = e
    }

    private func nextFaultDeadline(_ now: Timestamp) -> Timestamp? {
        guard let started else { return nil }
        return faults.faults.map { started.adding(nanoseconds: $0.at) }.filter { $0 > now }.min()
    }

    private mutating func answer(_ fields: [String], now: Timestamp, into output: inout SimulatorOutput) {
        let command = fields.joined(separator: "^")
        commands.append(command)
        guard fields.count == 1 else {
            refusedCommands.append(command)
            return
        }
        if fields[0] == "INF" { clock.poll(at: now.nanosecondsSinceEpoch) }
        let s = program.ketamine(at: scenarioTime(at: now))
        let reply: [String]
        switch fields[0] {
        case "INST_SERIALNO": reply = ["INST_SERIALNO", serial]
        case "COMMS_PROTOCOL": reply = ["COMMS_PROTOCOL", "Asena Rev 2.1.5"]
        case "COMMS_RESPONSE_MAX": reply = ["COMMS_RESPONSE_MAX", "4000", "ms"]
        case "INF":
            logEntry += 1
            let remaining = s.secondsRemaining.map { $0 >= 86_400 ? "24+" : String(Int(($0 / 60).rounded(.up))) } ?? "24+"
            reply = ["INF", serial, alarmCode(s) ?? "-", "SET", fixed(s.bolusActive ? s.bolusRate : s.rate, 2), "ml/h", "",
                     fixed(s.volumeInfused, 3), "ml", fixed(s.occlusion ? 612.4 : s.running ? 17.91 : 2.1, 2), "mmHg",
                     remaining, "EVENT", String(logEntry)]
        case "INF_VTBI": reply = ["INF_VTBI", "ACTIV", fixed(InfusionProgram.ketamine.volumeToBeInfused, 3), "ml", "STOP"]
        case "ALARM": reply = ["ALARM", alarmCode(s) ?? "AL_NOALM", " ", " "]
        case "SYRINGE_STATUS": reply = ["SYRINGE_STATUS", "BD PLASTIPAK", " 50", "CONF"]
        default:
            refusedCommands.append(command)
            return
        }
        var frame = AsenaFraming.frame(reply)
        if corruptNext {
            corruptNext = false
            frame[frame.count - 3] = frame[frame.count - 3] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        }
        if abortNext {
            abortNext = false
            frame = Array(frame.prefix(frame.count / 2)) + [AsenaFraming.escape]
        }
        output.transmit.append(contentsOf: frame)
    }

    private func alarmCode(_ s: InfusionProgram.ChannelState) -> String? {
        if s.occlusion { return "AL_OCCLU" }
        if s.complete { return "AL_EOIST" }
        if s.nearEnd { return "AL_NEOIN" }
        return nil
    }

    private func fixed(_ v: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let n = Int64((v * scale).rounded())
        let whole = n / Int64(scale), frac = n % Int64(scale)
        let f = String(frac)
        return "\(whole).\(String(repeating: "0", count: places - f.count))\(f)"
    }
}
