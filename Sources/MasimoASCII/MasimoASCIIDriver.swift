import BedsideDriver
import BedsideModel

/// Masimo Radical-7 / Rad-8 / Radical-5 "ASCII 1" serial output, as a sans-IO state machine.
///
/// The oximeter only talks: one line a second, `MM/DD/YY HH:MM:SS` and `KEY=value` fields
/// (monitors.md C.2). The driver never transmits. Lines are checked against the grammar
/// (``MasimoLine``, ``MasimoLineDecoder/check(_:)``) before any value is read; a rejected line is
/// counted and yields nothing. Fields are read by key, not position, so firmware variants with other
/// field sets parse, and fields our tables do not know are forwarded as unknown.
///
/// The line's time stamp is the device clock (two-digit year, no zone): resolved in
/// ``DriverConfiguration/deviceTimeZone``.
public struct MasimoASCIIDriver: DeviceDriver {
    public static let descriptor: DriverDescriptor = {
        var d = DriverDescriptor(
            name: "masimo-ascii",
            vendor: "Masimo",
            summary: "Masimo Radical-7 / Rad-8 / Radical-5 pulse oximeter, ASCII 1 serial output (listen-only)",
            defaultSerialSettings: SerialSettings(baudRate: 9600),
            nominalUpdatePeriodNanoseconds: 1_000_000_000,
            deviceRanges: MasimoTables.shared.numerics.deviceRanges)
        // ASCII 1 has no checksum: a digit damaged into another digit cannot be seen (README).
        d.frameCheck = .grammarOnly
        d.detection = detection
        return d
    }()

    /// Listen only: the oximeter sends a line a second unasked, and the driver sends nothing. 4 s
    /// hear the three lines the protocol sniffer needs (``DriverDetection/sniffing``) with a second to spare.
    public static let detection = DriverDetection(
        approach: .listen, summary: "listening for ASCII 1 lines", answerWithinNanoseconds: 4_000_000_000,
        // Three lines, each with a time stamp and a strict field grammar.
        sniffing: [SniffEvidence(framesNeeded: 3)])

    /// Without a valid line for this long the link is reported silent (the device sends one a second).
    public static let silenceTimeoutNanoseconds: Int64 = 5_000_000_000

    private let configuration: DriverConfiguration
    private var framer = MasimoLineFramer()
    private var decoder = MasimoLineDecoder(tables: .shared)
    private var link = StreamLinkWatch(
        what: "ASCII 1 lines", silenceTimeoutNanoseconds: silenceTimeoutNanoseconds,
        advice: "check 9600 8N1 and that the oximeter's serial output is set to ASCII 1 (Rad-8 ships in ASCII 2)")
    private var discarded = DiscardedBytesMeter()

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        link.start(now: now)
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
                output.count("lines.oversize")
                link.badFrame(now: now, into: &output)
            }
        }
        discarded.report(total: framer.bytesDiscarded, into: &output)
        stateDeadline(&output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        let before = output.observations.count
        link.tick(now: now, into: &output)
        decoder.alarms.endAllBeforeSightLoss(in: &output.observations, from: before, what: "the oximeter's alarms", now: now)
        stateDeadline(&output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        let before = output.observations.count
        link.stop(now: now, into: &output)
        decoder.alarms.endAllBeforeSightLoss(in: &output.observations, from: before, what: "the oximeter's alarms", now: now)
    }

    private func stateDeadline(_ output: inout DriverOutput) {
        if let d = link.nextDeadline { output.wake(at: d) }
    }

    private mutating func handle(_ bytes: [UInt8], now: Timestamp, into output: inout DriverOutput) {
        // An empty line (a lone CR LF) is not a frame.
        if bytes.isEmpty { return }
        let line: MasimoLine
        do {
            line = try MasimoLine.parse(bytes)
            try decoder.check(line)
        } catch let r as MasimoLine.Rejection {
            reject(DriverCounter(stringLiteral: r.counter), now: now, into: &output)
            return
        } catch let r as MasimoLineDecoder.FieldRejection {
            reject(r.counter, now: now, into: &output)
            return
        } catch {
            reject(.malformedFrames, now: now, into: &output)
            return
        }
        output.count(.framesAccepted)
        link.validFrame(now: now, into: &output)
        decoder.decode(line, zone: configuration.deviceTimeZone, hostTime: now, into: &output)
    }

    private mutating func reject(_ counter: DriverCounter, now: Timestamp, into output: inout DriverOutput) {
        output.count(.malformedFrames)
        if counter != .malformedFrames { output.count(counter) }
        link.badFrame(now: now, into: &output)
    }
}
