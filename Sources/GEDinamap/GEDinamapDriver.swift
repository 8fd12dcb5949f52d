import BedsideDriver
import BedsideModel

/// GE DINAMAP host communications protocol (ProCare 100–400, PRO 100–400, CARESCAPE V100), as a
/// sans-IO state machine (vital-signs-monitors.md §2).
///
/// It only reads. Every poll interval it sends, one at a time, the read requests `NA` (NIBP status
/// and last determination), `OA` (pulse oximetry), `RA` (pulse rate and its source) and `TC`
/// (temperature) — ``readRequests`` is the complete list of what it can ever transmit. It never
/// starts or cancels a cuff inflation (`NC`, `ND`) nor sends any setting, printer, memory or "star"
/// command: the monitor is the primary device and an inflation is a clinical act.
///
/// With `transmitEnabled == false` it sends nothing and decodes whatever replies it hears (a
/// recording of another host's session).
public struct GEDinamapDriver: DeviceDriver {
    /// `read=nibp,spo2,rate,temperature`: which of the read requests to poll.
    public static let readOption = DriverOptionSpec(
        name: "read", kind: .list(["nibp", "spo2", "rate", "temperature"]),
        help: "which read requests to poll (NA, OA, RA, TC); all by default", defaultValue: "nibp,spo2,rate,temperature")

    /// Every request this driver can send, by option word, in polling order. Nothing else is ever sent.
    public static let readRequests: [(option: String, command: String)] = [
        ("nibp", "NA"), ("spo2", "OA"), ("rate", "RA"), ("temperature", "TC"),
    ]

    /// Default poll interval (§2.10 recommends 2–5 s; NIBP changes every few minutes).
    public static let defaultIntervalSeconds = 5

    public static let descriptor = DriverDescriptor(
        name: "ge-dinamap",
        vendor: "GE Healthcare",
        summary: "GE DINAMAP ProCare / PRO 100-400 / CARESCAPE V100 host protocol: NIBP, SpO2, pulse, temperature (read-only)",
        defaultSerialSettings: SerialSettings(baudRate: 9600),
        options: [readOption],
        nominalUpdatePeriodNanoseconds: Int64(defaultIntervalSeconds) * 1_000_000_000,
        deviceRanges: GEDinamapTables.shared.numerics.deviceRanges,
        detection: detection)

    /// The monitor is silent until asked, so the probe sends one read request: ` NA` (NIBP status and
    /// last determination), the first of ``readRequests``. A read changes nothing; `NC`/`ND` (start
    /// or cancel an inflation) are never sent. A CR goes first: other drivers' probes may have left
    /// a partial line (bytes at other line settings) in the monitor's buffer, and the request must
    /// start a line of its own; an empty line is no command. 3 s: the driver's own reply time-out.
    public static let detection = DriverDetection(
        approach: .request([DinamapWire.carriageReturn] + DinamapWire.request(readRequests[0].command)),
        summary: "one NIBP read request (NA)", answerWithinNanoseconds: 3_000_000_000,
        // Four replies (a recording of another host's session), each with a 12-bit sum and an exact layout.
        sniffing: [SniffEvidence(framesNeeded: 4)])

    private let configuration: DriverConfiguration
    private var framer = DinamapLineFramer()
    private var poller: DinamapPoller
    private var decoder = DinamapReplyDecoder(tables: .shared)
    private var discarded = DiscardedBytesMeter()

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        let chosen = Set(configuration.list(Self.readOption) ?? [])
        let requests = Self.readRequests.filter { chosen.contains($0.option) }.map(\.command)
        let interval = max(1, min(configuration.updateIntervalSeconds ?? Self.defaultIntervalSeconds, 3600))
        poller = DinamapPoller(requests: configuration.transmitEnabled ? requests : [], intervalSeconds: interval)
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        poller.start(now: now, into: &output)
        stateDeadline(&output)
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        var index = 0
        while let outcome = framer.next(in: bytes, from: &index) {
            switch outcome {
            case .line:
                handle(framer.line, now: now, into: &output)
            case .oversize:
                output.count(.lengthErrors)
                output.count("replies.oversize")
                poller.damaged(now: now, into: &output)
            }
        }
        discarded.report(total: framer.bytesDiscarded, into: &output)
        stateDeadline(&output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        let wasSilent = poller.isSilent
        poller.tick(now: now, into: &output)
        if !wasSilent, poller.isSilent {
            insertNoticeEnds(reason: "link silent: the monitor's status can no longer be seen", now: now, into: &output)
        }
        stateDeadline(&output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        let index = output.observations.count
        poller.stop(now: now, into: &output)
        var ends: [Observation] = []
        decoder.endAll(reason: "link stopped: the monitor's status can no longer be seen", now: now, into: &ends)
        output.observations.insert(contentsOf: ends, at: index)
    }

    private func stateDeadline(_ output: inout DriverOutput) {
        if let d = poller.nextDeadline { output.wake(at: d) }
    }

    /// Ends the open notices just before the link event that lost sight of the monitor.
    private mutating func insertNoticeEnds(reason: String, now: Timestamp, into output: inout DriverOutput) {
        var ends: [Observation] = []
        decoder.endAll(reason: reason, now: now, into: &ends)
        let at = output.observations.lastIndex { if case .link(let l) = $0 { l.losesSight } else { false } }
            ?? output.observations.count
        output.observations.insert(contentsOf: ends, at: at)
    }

    private mutating func handle(_ line: [UInt8], now: Timestamp, into output: inout DriverOutput) {
        let reply: DinamapReply
        do {
            reply = try DinamapReply.parse(line)
        } catch {
            switch error {
            case .checksum: output.count(.checksumErrors)
            case .layout, .unknownCommand:
                output.count(.malformedFrames)
                output.count(DriverCounter(stringLiteral: error.counter))
            }
            poller.damaged(now: now, into: &output)
            return
        }
        output.count(.framesAccepted)
        // A reply answers the request outstanding when it echoes its letters (NA is answered by NA).
        // Any other checked reply is late (its request timed out); its values are still the
        // monitor's and are decoded, but it does not answer the request now waiting.
        if let outstanding = poller.outstanding, reply.command == outstanding || (outstanding == "NA" && reply.command == "NF") {
            poller.answered(now: now, into: &output)
        } else if configuration.transmitEnabled {
            output.count("replies.late")
            poller.heard(now: now, into: &output)
        }
        decoder.decode(reply, zone: configuration.deviceTimeZone, now: now, into: &output)
    }
}
