import BedsideDriver
import BedsideModel

/// One protocol the sniffer can recognize: a driver (with the options that select a variant, such
/// as Nonin's data format) and how much evidence it takes.
public struct SniffCandidate: Sendable {
    public let driver: any DeviceDriver.Type
    /// Options the driver runs with to test this variant (`format=2`).
    public let options: [String: String]
    /// How many checked frames (lines, packets, records) make the evidence complete: chosen so
    /// that this many frames passing the driver's checks by chance is out of the question (each
    /// frame carries a checksum or a strict grammar; see the README of each protocol).
    public let framesNeeded: Int

    public init(driver: any DeviceDriver.Type, options: [String: String] = [:], framesNeeded: Int) {
        self.driver = driver
        self.options = options
        self.framesNeeded = framesNeeded
    }

    /// Every variant `drivers` declare (``DriverDetection/sniffing``), in their order: what the
    /// sniffer tries on a recording. Drivers that declare none are left out.
    public static func declared(by drivers: [any DeviceDriver.Type]) -> [SniffCandidate] {
        drivers.flatMap { type in
            type.descriptor.detection.sniffing.map {
                SniffCandidate(driver: type, options: $0.options, framesNeeded: $0.framesNeeded)
            }
        }
    }

    /// `nonin (format=2)`, `masimo-ascii`.
    public var label: String {
        options.isEmpty ? driver.descriptor.name
            : "\(driver.descriptor.name) (\(options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))"
    }
}

/// What the sniffer concluded about a byte stream.
public struct SniffVerdict: Sendable {
    /// How one candidate fared.
    public struct Score: Sendable {
        public let candidate: SniffCandidate
        /// Frames that passed every check of the driver.
        public let accepted: Int
        /// Frames the driver refused (checksum, length, structure).
        public let rejected: Int
        /// 0…1: `min(1, accepted / framesNeeded) × accepted / (accepted + rejected)`.
        public let confidence: Double
    }

    /// The recognized protocol, or `nil`: "unknown".
    public let recognized: SniffCandidate?
    /// Every candidate's score, best first.
    public let scores: [Score]
    /// One sentence for an engineer: what was recognized and on what evidence, or why not.
    public let explanation: String

    /// Registry name of the recognized driver, if any.
    public var driverName: String? { recognized?.driver.descriptor.name }
    public var best: Score? { scores.first }
}

/// Tells which protocol an unknown byte stream carries, as gpsd's packet sniffer does: every
/// candidate driver decodes the same bytes, listening only, and the one whose checks pass on
/// enough frames with few refusals wins.
///
/// It never guesses: below ``minimumConfidence``, or when two candidates both reach it, the
/// answer is "unknown". The confidence of a candidate is the share of its evidence requirement it
/// met (accepted frames over ``SniffCandidate/framesNeeded``, at most 1) times the share of the
/// frames it saw that passed (accepted over accepted plus refused). So a protocol is recognized
/// only when at least `framesNeeded` frames passed and at most one in ten was refused.
///
/// Pure and bounded: it reads at most ``maximumBytes`` of the stream, so callers peek that much.
public enum ProtocolSniffer {
    /// The confidence below which the sniffer says "unknown".
    public static let minimumConfidence = 0.9
    /// How much of a stream is looked at.
    public static let maximumBytes = 64 * 1024

    /// Decodes `bytes` with every candidate and decides (the bridge's candidates are
    /// `DriverCatalog.sniffCandidates`: every catalog driver that declares sniffing evidence).
    ///
    /// - Parameter joinedMidStream: the bytes were read from a live port that was already talking
    ///   (`bedside probe`), so the first frame is likely cut: one refusal before a candidate's first
    ///   accepted frame is not counted against it. A recording from its start leaves this off.
    public static func identify(_ bytes: [UInt8], candidates: [SniffCandidate],
                                joinedMidStream: Bool = false) -> SniffVerdict {
        let sample = Array(bytes.prefix(maximumBytes))
        let scores = candidates.map { score(sample, $0, forgivingLeadingRefusals: joinedMidStream ? 1 : 0) }
            .sorted { $0.confidence > $1.confidence }
        let qualified = scores.filter { $0.confidence >= minimumConfidence }
        func describe(_ s: SniffVerdict.Score) -> String {
            "\(s.candidate.label): \(s.accepted) frames passed, \(s.rejected) refused, confidence \(percent(s.confidence))"
        }
        if qualified.count == 1, let s = qualified.first {
            return SniffVerdict(recognized: s.candidate, scores: scores,
                                explanation: "recognized \(s.candidate.label) in the first \(sample.count) bytes (\(describe(s)))")
        }
        if qualified.count > 1 {
            return SniffVerdict(recognized: nil, scores: scores,
                                explanation: "unknown: the first \(sample.count) bytes fit several protocols ("
                                    + qualified.map(describe).joined(separator: "; ") + ")")
        }
        let why = scores.first.map { best in
            best.accepted == 0 ? "no protocol's frames pass their checks"
                : "best guess \(describe(best)), below the \(percent(minimumConfidence)) needed"
        } ?? "no candidates"
        return SniffVerdict(recognized: nil, scores: scores, explanation: "unknown: in the first \(sample.count) bytes, \(why)")
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded(.down)))%" }

    static func score(_ bytes: [UInt8], _ candidate: SniffCandidate, forgivingLeadingRefusals: Int = 0) -> SniffVerdict.Score {
        var driver = candidate.driver.init(configuration: DriverConfiguration(
            transmitEnabled: false, waveformsEnabled: false, snapshotIntervalNanoseconds: nil, options: candidate.options))
        var output = DriverOutput()
        var accepted = 0, rejected = 0, leadingForgiven = 0
        // The bytes arrive as a port would deliver them, in pieces, at the start of the epoch (no
        // timers are due, so nothing but the bytes decides).
        var now = Timestamp(nanosecondsSinceEpoch: 0)
        driver.start(now: now, into: &output)
        var start = 0
        while start < bytes.count {
            // Until the first frame passes, byte by byte when a cut first frame may be forgiven, so
            // that a refusal is forgiven only when it truly came first.
            let end = min(start + (forgivingLeadingRefusals > 0 && accepted == 0 ? 1 : 256), bytes.count)
            output.reset()
            bytes[start..<end].withUnsafeBytes { driver.receive($0, now: now, into: &output) }
            let refused = output.counters[.checksumErrors, default: 0] + output.counters[.lengthErrors, default: 0]
                + output.counters[.malformedFrames, default: 0]
            // A cut first frame: refusals while nothing has been accepted yet, up to the allowance.
            let forgiven = accepted == 0 ? min(refused, forgivingLeadingRefusals - leadingForgiven) : 0
            leadingForgiven += forgiven
            rejected += refused - forgiven
            accepted += output.counters[.framesAccepted, default: 0]
            start = end
            now = now.adding(nanoseconds: 1_000_000)
        }
        let needed = max(1, candidate.framesNeeded)
        let purity = accepted + rejected == 0 ? 0 : Double(accepted) / Double(accepted + rejected)
        return SniffVerdict.Score(candidate: candidate, accepted: accepted, rejected: rejected,
                                  confidence: min(1, Double(accepted) / Double(needed)) * purity)
    }
}
