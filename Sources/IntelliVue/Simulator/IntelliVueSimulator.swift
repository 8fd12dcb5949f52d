import BedsideDriver
import BedsideModel

/// A simulated IntelliVue MP70 speaking the monitor side of the MIB/RS232 Data Export protocol,
/// sans-IO, for CI and demos without hardware.
///
/// It accepts one association (refusing a second), sends the MDS Create Event and resends it every
/// 3 s, aborting after three unanswered transmissions; answers single and extended polls of
/// numerics, alarms, waves, the MDS and demographics with a scripted one-hour infusion session
/// (see ``SimulatorConfiguration/scenarioSpeed``, deterministic from the seed), splitting large
/// results into linked results at the negotiated MTU; honours release; aborts when the client's
/// association timeout expires; and injects faults on request (`misbehave=…`, see the README).
public struct IntelliVueSimulator: DeviceSimulator {
    public static let driverName = "intellivue"

    let configuration: SimulatorConfiguration
    var scenario: Scenario
    var misbehaviour: Misbehaviour
    /// Problems with the options (unknown faults); the simulator runs without them.
    public private(set) var optionProblems: [String] = []
    var framer = IntelliVueFrameDecoder()
    var state: MonitorState = .waitingForAssociation
    var powerOn = Timestamp(nanosecondsSinceEpoch: 0)
    var started = Timestamp(nanosecondsSinceEpoch: 0)
    var silentUntil: Timestamp?
    var corruptNextFrame = false
    var nextFault = 0
    /// Frames received with a bad FCS or header (the monitor drops them silently).
    public private(set) var framesDropped = 0

    public init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        scenario = Scenario(seed: configuration.seed, speed: configuration.scenarioSpeed > 0 ? configuration.scenarioSpeed : 1)
        var problems: [String] = []
        misbehaviour = Misbehaviour(option: configuration.options["misbehave"], problems: &problems)
        optionProblems = problems
    }

    /// Name of the monitor-side state (for tests).
    public var stateName: String { state.name }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        started = now
        powerOn = now.adding(nanoseconds: -3_600_000_000_000)  // the monitor was switched on an hour ago
        output.nextDeadline = nextDeadline(now)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        runFaults(now, &output)
        if let until = silentUntil, now < until { output.nextDeadline = nextDeadline(now); return }
        var framer = IntelliVueFrameDecoder()
        swap(&framer, &self.framer)
        defer { swap(&framer, &self.framer) }
        var index = 0
        while let event = framer.next(in: bytes, from: &index) {
            switch event {
            case .frame:
                let message = framer.message
                handle(message, now: now, into: &output)
            case .dropped(let e):
                if case .strayBytes = e {} else { framesDropped += 1 }
            }
        }
        runTimers(now, &output)
        output.nextDeadline = nextDeadline(now)
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        runFaults(now, &output)
        runTimers(now, &output)
        output.nextDeadline = nextDeadline(now)
    }

    // MARK: time

    /// RelativeTime now: 125 µs ticks since power-on, wrapping.
    func relativeTime(_ now: Timestamp) -> UInt32 {
        UInt32(truncatingIfNeeded: now.nanoseconds(since: powerOn) / IntelliVueTime.nanosecondsPerTick)
    }

    func vitals(_ now: Timestamp) -> Scenario.Vitals {
        scenario.vitals(atScenarioSeconds: scenario.scenarioSeconds(now.nanoseconds(since: started)))
    }

    // MARK: sending

    mutating func send(_ message: [UInt8], now: Timestamp, into output: inout SimulatorOutput) {
        if let until = silentUntil, now < until { return }
        var frame: [UInt8] = []
        IntelliVueFrameEncoder.encode(message, into: &frame)
        if corruptNextFrame {
            corruptNextFrame = false
            frame[frame.count - 2] ^= 0x01  // flip a bit of the FCS (never an escape or EOF byte)
            if frame[frame.count - 2] == 0xc0 || frame[frame.count - 2] == 0xc1 || frame[frame.count - 2] == 0x7d {
                frame[frame.count - 2] ^= 0x03
            }
        }
        output.transmit += frame
    }

    // MARK: faults and timers

    private mutating func runFaults(_ now: Timestamp, _ output: inout SimulatorOutput) {
        while nextFault < misbehaviour.scheduled.count,
              now.nanoseconds(since: started) >= misbehaviour.scheduled[nextFault].atNanoseconds {
            let fault = misbehaviour.scheduled[nextFault].fault
            nextFault += 1
            switch fault {
            case .dropAssociation:
                if state.isAssociated { send(AssociationMessages.abort, now: now, into: &output) }
                state = .waitingForAssociation
            case .silence(let d):
                silentUntil = now.adding(nanoseconds: d)
                framer.reset()
            case .corruptFrame:
                corruptNextFrame = true
            case .restart:
                state = .waitingForAssociation
                powerOn = now
                framer.reset()
            }
        }
    }

    private mutating func runTimers(_ now: Timestamp, _ output: inout SimulatorOutput) {
        switch state {
        case .waitingForAssociation:
            break
        case .confirmingMDSCreate(var s):
            if now >= s.association.timeoutAt {
                abort(now, &output)
            } else if now >= s.nextResend {
                if s.transmissions >= 3 {
                    abort(now, &output)
                } else {
                    send(mdsCreateEvent(now), now: now, into: &output)
                    s.transmissions += 1
                    s.nextResend = now.adding(nanoseconds: 3_000_000_000)
                    state = .confirmingMDSCreate(s)
                }
            }
        case .associated(var a):
            if now >= a.timeoutAt { abort(now, &output); return }
            sendPeriodicReplies(&a, now: now, into: &output)
            state = .associated(a)
        }
    }

    private mutating func abort(_ now: Timestamp, _ output: inout SimulatorOutput) {
        send(AssociationMessages.abort, now: now, into: &output)
        state = .waitingForAssociation
    }

    func nextDeadline(_ now: Timestamp) -> Timestamp? {
        var candidates: [Timestamp] = []
        if nextFault < misbehaviour.scheduled.count {
            candidates.append(started.adding(nanoseconds: misbehaviour.scheduled[nextFault].atNanoseconds))
        }
        if let until = silentUntil, until > now { candidates.append(until) }
        switch state {
        case .waitingForAssociation: break
        case .confirmingMDSCreate(let s): candidates += [s.nextResend, s.association.timeoutAt]
        case .associated(let a):
            candidates.append(a.timeoutAt)
            for p in a.periodic.values { candidates.append(p.nextReply) }
        }
        return candidates.min()
    }
}
