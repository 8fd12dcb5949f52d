/// Where a pump simulator is in the ``InfusionSessionTimeline``: seconds of scenario time, from the
/// simulator's options `start=<seconds>` and `clock=…`.
///
/// Three ways to run the clock, because tests and demos need different things:
/// - `clock=power-on` (default): scenario time runs from the simulator's start at `speed`× real time.
/// - `clock=first-poll`: it runs from the host's first data request, so a part of the session plays
///   whole however long the host takes to connect.
/// - `clock=per-poll:<seconds>`: it advances by that many scenario seconds at each data request and
///   not at all in between, so what the host sees depends only on how many looks it took, never on
///   the machine's pace (a test on a loaded machine sees the same story as on an idle one).
///
/// Times are nanosecond counts on the driver's clock (a `Timestamp`'s `nanosecondsSinceEpoch`), so
/// this module stays free of the model.
public struct ScenarioClock: Sendable {
    /// How the clock runs.
    public enum Mode: Sendable, Equatable {
        case fromPowerOn
        case fromFirstPoll
        case perPoll(step: Double)
    }

    public let mode: Mode
    /// Scenario second the simulator starts at (option `start`).
    public let startOffset: Double
    public let speed: Double
    /// What was wrong with the options (the clock then runs from power-on).
    public let problems: [String]
    private var poweredOn: Int64?
    private var firstPoll: Int64?
    private var polls = 0

    /// Reads `start` and `clock` from a simulator's options; `speed` is the scenario speed (≤ 0 means 1).
    public init(options: [String: String], speed: Double) {
        self.speed = speed > 0 ? speed : 1
        var problems: [String] = []
        startOffset = options["start"].flatMap { Double($0) }.map { min(max($0, 0), InfusionSessionTimeline.duration) } ?? 0
        if let text = options["start"], !(Double(text)?.isFinite ?? false) {
            problems.append("start=\(text): expected a number of seconds (0–\(Int(InfusionSessionTimeline.duration)))")
        }
        switch options["clock"] {
        case nil, "power-on": mode = .fromPowerOn
        case "first-poll": mode = .fromFirstPoll
        case let text? where text.hasPrefix("per-poll:"):
            if let step = Double(text.dropFirst("per-poll:".count)), step.isFinite, step > 0, step <= 3600 {
                mode = .perPoll(step: step)
            } else {
                mode = .fromPowerOn
                problems.append("clock=\(text): the step must be a number of scenario seconds above 0 and at most 3600")
            }
        case let text?:
            mode = .fromPowerOn
            problems.append("clock=\(text): expected power-on, first-poll or per-poll:<seconds>")
        }
        self.problems = problems
    }

    /// The simulator powered on (first call wins).
    public mutating func powerOn(at nanoseconds: Int64) {
        if poweredOn == nil { poweredOn = nanoseconds }
    }

    /// The host asked for data: call once per look, before reading ``seconds(at:)`` for its answer.
    public mutating func poll(at nanoseconds: Int64) {
        if firstPoll == nil { firstPoll = nanoseconds }
        polls += 1
    }

    /// Scenario seconds at `nanoseconds`.
    public func seconds(at nanoseconds: Int64) -> Double {
        let elapsed: (Int64?) -> Double = { origin in
            origin.map { Double(max(0, nanoseconds - $0)) / 1e9 * self.speed } ?? 0
        }
        let t: Double
        switch mode {
        case .fromPowerOn: t = startOffset + elapsed(poweredOn)
        case .fromFirstPoll: t = startOffset + elapsed(firstPoll)
        // The first look is the baseline at `start`; each later one is a step further.
        case .perPoll(let step): t = startOffset + Double(max(0, polls - 1)) * step
        }
        return t
    }
}
