import BedsideDriver
import BedsideModel
import BedsideScenario

/// A B. Braun SpaceStation with SpaceCom in request mode, sans-IO: one pillar with a Perfusor Space
/// running the scripted ketamine programme (slot 1) and an Infusomat Space with the carrier fluid
/// (slot 2), from ``InfusionProgram`` on the ``InfusionSessionTimeline`` clock.
///
/// It answers `ADMIN:ALIVE` (GNACK with its bed id), `ADMIN:VERSION` (`V3.30`), `MEM:GET` (rack
/// block, then one block per pump, each after the host's `<ACK>`; `<NAK>` resends the last block;
/// a new request restarts the answer) and `MEM:GETSLOT#xy` (GNERR 811 for an empty slot). Anything
/// else — in particular any request that would program a pump — is answered `GNERR 68` and
/// counted in ``refusedRequests``.
///
/// Options: `start=<seconds>` (scenario second to start at, default 0), `clock=power-on|first-poll|per-poll:<seconds>`
/// (how scenario time runs: ``ScenarioClock``; a data request is a `MEM:GET`), `stuffing=on|off` (default off), `bed-id=<id>` (default `SimBed1`), `flags=words|single`
/// (STATUS1/ALARM1/PREALARM words, default, or the INMxx/INAxx flags), and
/// `misbehave=<fault>@<seconds>[+<duration>][,…]` in real seconds since start:
/// `silence` (no answer, default 20 s), `corrupt-frame` (the next block goes out with a bad
/// checksum), `remove-pump` (slot 1 pulled out, back after the duration, default 60 s),
/// `restart` (the rack reboots: silent 10 s, its clock restarts, pumps re-announce as new).
public struct BBraunBCCSimulator: DeviceSimulator {
    public static let driverName = BBraunBCCDriver.descriptor.name
    public static let faultNames: Set<String> = ["silence", "corrupt-frame", "remove-pump", "restart"]

    let stuffing: Bool
    let bedId: String
    let words: Bool
    private var scenarioClock: ScenarioClock
    let faults: SimulatorFaultSchedule
    let program = InfusionProgram()
    private var pumps: [BCCSimulatedPump]
    private var decoder: BCCFrameDecoder
    private var started: Timestamp?
    /// Rack power-on, for the quadruples' time field.
    private var powerOn: Timestamp?
    private var faultsSeenUpTo: Int64 = -1
    private var corruptNext = false
    /// Blocks of the answer in progress, and which one the host has not yet acknowledged.
    private var pendingBlocks: [[UInt8]] = []
    private var current = 0
    /// Pumps pulled out and not yet reported with GNERR 39.
    private var removedToReport: [BCCAddress] = []
    private var pulledOut: [BCCAddress: Timestamp] = [:]
    /// Requests answered with GNERR 68 (unknown or not allowed), as text.
    public private(set) var refusedRequests: [String] = []
    /// Every request text received, in order.
    public private(set) var requests: [String] = []

    public init(configuration: SimulatorConfiguration) {
        stuffing = configuration.options["stuffing"].map { ["on", "true", "yes", "1"].contains($0) } ?? false
        bedId = configuration.options["bed-id"] ?? "SimBed1"
        words = configuration.options["flags"] != "single"
        scenarioClock = ScenarioClock(options: configuration.options, speed: configuration.scenarioSpeed)
        faults = SimulatorFaultSchedule(option: configuration.options["misbehave"], known: Self.faultNames)
        decoder = BCCFrameDecoder(stuffing: stuffing)
        pumps = [
            BCCSimulatedPump(address: BCCAddress(pillar: 1, slot: 1), role: .ketamine, model: "688F030006",
                             serial: 0x6000_8D98 &+ Int(truncatingIfNeeded: configuration.seed % 4096)),
            BCCSimulatedPump(address: BCCAddress(pillar: 1, slot: 2), role: .carrier, model: "686L030007",
                             serial: 0x6001_FCAA &+ Int(truncatingIfNeeded: configuration.seed % 4096)),
        ]
    }

    /// Problems with the `misbehave` option (the simulator runs without those faults).
    public var optionProblems: [String] { scenarioClock.problems + faults.problems }

    /// Scenario seconds at `now`.
    public func scenarioTime(at now: Timestamp) -> Double { scenarioClock.seconds(at: now.nanosecondsSinceEpoch) }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        started = now
        scenarioClock.powerOn(at: now.nanosecondsSinceEpoch)
        // The SpaceStation was switched on ten minutes before the session.
        powerOn = now.adding(nanoseconds: -600_000_000_000)
        output.nextDeadline = nextFaultDeadline(now)
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        runFaults(now)
        output.nextDeadline = nextFaultDeadline(now)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if started == nil { start(now: now, into: &output) }
        runFaults(now)
        let silent = isSilent(now)
        for b in bytes {
            if !decoder.isInsideFrame, b == BCCFraming.ack || b == BCCFraming.nak {
                if !silent { control(b, into: &output) }
                continue
            }
            for event in decoder.feed(CollectionOfOne(b)) {
                guard !silent else { continue }
                switch event {
                case .frame(let f): request(f, now: now, into: &output)
                case .error: answer(records: ["\(clock(now)),50100,GNERR,68"], into: &output)
                }
            }
        }
        output.nextDeadline = nextFaultDeadline(now)
    }

    private func elapsed(_ now: Timestamp) -> Int64 { started.map { now.nanoseconds(since: $0) } ?? 0 }

    private func isSilent(_ now: Timestamp) -> Bool {
        let e = elapsed(now)
        return faults.active("silence", elapsed: e, defaultDuration: 20_000_000_000)
            || faults.active("restart", elapsed: e, defaultDuration: 10_000_000_000)
    }

    private func clock(_ now: Timestamp) -> Int64 { powerOn.map { max(0, now.nanoseconds(since: $0) / 1_000_000_000) } ?? 0 }

    private mutating func runFaults(_ now: Timestamp) {
        let e = elapsed(now)
        defer { faultsSeenUpTo = e }
        for f in faults.faults where f.at > faultsSeenUpTo && f.at <= e {
            switch f.name {
            case "corrupt-frame":
                corruptNext = true
            case "remove-pump":
                if let p = pumps.first {
                    removedToReport.append(p.address)
                    pulledOut[p.address] = now.adding(nanoseconds: f.duration ?? 60_000_000_000)
                }
            case "restart":
                pendingBlocks = []
                powerOn = started?.adding(nanoseconds: f.at + (f.duration ?? 10_000_000_000))
                for i in pumps.indices { pumps[i].announceNew = true }
            default:
                break
            }
        }
        for (address, back) in pulledOut where back <= now {
            pulledOut[address] = nil
            if let i = pumps.firstIndex(where: { $0.address == address }) { pumps[i].announceNew = true }
        }
    }

    private func nextFaultDeadline(_ now: Timestamp) -> Timestamp? {
        guard let started else { return nil }
        var times = faults.faults.map { started.adding(nanoseconds: $0.at) }.filter { $0 > now }
        times += pulledOut.values.filter { $0 > now }
        return times.min()
    }

    private mutating func request(_ f: BCCFrame, now: Timestamp, into output: inout SimulatorOutput) {
        let text = String(decoding: f.information, as: UTF8.self)
        requests.append(text)
        let t = clock(now)
        if text == "ADMIN:ALIVE" {
            answer(records: ["\(t),50100,GNACK,0"], into: &output)
            return
        }
        guard f.bedId == bedId else {
            answer(records: ["\(t),50100,GNERR,68"], into: &output)
            return
        }
        switch text {
        case "ADMIN:VERSION":
            answer(records: ["\(t),50100,V3.30"], into: &output)
        case "MEM:GET":
            scenarioClock.poll(at: now.nanosecondsSinceEpoch)
            memGet(slot: nil, now: now, into: &output)
        default:
            if text.hasPrefix("MEM:GETSLOT#"), text.utf8.count == 14,
               let address = BCCAddress(text: Array("501".utf8) + Array(text.utf8.suffix(2))), !address.isComDevice {
                if pumps.contains(where: { $0.address == address }) && pulledOut[address] == nil {
                    memGet(slot: address, now: now, into: &output)
                } else {
                    answer(records: ["\(t),\(address.text),GNERR,811"], into: &output)
                }
                return
            }
            refusedRequests.append(text)
            answer(records: ["\(t),50100,GNERR,68"], into: &output)
        }
    }

    private mutating func memGet(slot: BCCAddress?, now: Timestamp, into output: inout SimulatorOutput) {
        let t = clock(now)
        let scenario = scenarioTime(at: now)
        var rack = ["\(t),50100,FMNOR,1", "\(t),50100,FMRT,FMS1NSNS"]
        var blocks: [[String]] = []
        for i in pumps.indices where slot == nil || pumps[i].address == slot {
            let p = pumps[i]
            guard pulledOut[p.address] == nil else { continue }
            blocks.append(p.parameters(program, at: scenario, words: words).map { "\(t),\(p.address.text),\($0.0),\($0.1)" })
            pumps[i].announceNew = false
        }
        if slot == nil {
            for address in removedToReport { blocks.append(["\(t),\(address.text),GNERR,39"]) }
            removedToReport = []
        }
        if blocks.isEmpty { rack.append("\(t),50100,GNERR,11") }
        // The rack-wide quadruples travel in the first block.
        if blocks.isEmpty { blocks = [rack] } else { blocks[0] = rack + blocks[0] }
        pendingBlocks = blocks.enumerated().map { index, records in
            BCCFraming.wireFrame(bedId: bedId, information: Array(records.joined(separator: "\u{1E}").utf8),
                                 terminator: index == blocks.count - 1 ? .lastBlock : .moreBlocks, stuffing: stuffing)
        }
        current = 0
        sendCurrent(into: &output)
    }

    private mutating func control(_ byte: UInt8, into output: inout SimulatorOutput) {
        guard current < pendingBlocks.count else { return }
        if byte == BCCFraming.ack {
            current += 1
            if current < pendingBlocks.count { sendCurrent(into: &output) } else { pendingBlocks = [] }
        } else {
            sendCurrent(into: &output)
        }
    }

    private mutating func sendCurrent(into output: inout SimulatorOutput) {
        var block = pendingBlocks[current]
        if corruptNext {
            corruptNext = false
            // A flipped bit in the checksum digits' neighbour: the frame still ends in <EOT>.
            block[block.count - 8] ^= 0x01
        }
        output.transmit.append(contentsOf: block)
    }

    private mutating func answer(records: [String], into output: inout SimulatorOutput) {
        pendingBlocks = [BCCFraming.wireFrame(bedId: bedId, information: Array(records.joined(separator: "\u{1E}").utf8),
                                              terminator: .lastBlock, stuffing: stuffing)]
        current = 0
        sendCurrent(into: &output)
    }
}
