/// Checks the numbers given on the command line, the same way for every command: finite, in a
/// stated range, and with the reason in the error. A value that passes can be turned into a
/// `Duration`, a simulator speed or a file-descriptor budget without trapping.
public enum OptionCheck {
    /// Longest `--seconds`: ten years. Longer runs leave the option out (run until stopped).
    public static let secondsRange: ClosedRange<Double> = 0.001...315_360_000
    /// Simulator and playback speed factors: slower than 1/100 real time or faster than 1000×
    /// gives scenarios that change too slowly to see or faster than any device sends.
    public static let speedRange: ClosedRange<Double> = 0.01...1000
    /// `--interval`: the protocols take whole seconds; an hour is the longest a bedside device
    /// is usefully polled.
    public static let intervalRange: ClosedRange<Int> = 1...3600
    /// `--clock-offset`: UTC offsets end at ±18 h (ISO 8601).
    public static let clockOffsetRange: ClosedRange<Int64> = -64_800...64_800

    /// A value the command line cannot accept, and why.
    public struct Failure: Error, CustomStringConvertible, Equatable, Sendable {
        public var option: String
        public var value: String
        public var requirement: String

        public var description: String { "\(option) \(value) is not valid: it must be \(requirement)" }
    }

    /// A real number, finite and inside `range`.
    ///
    /// - Parameter what: what the number counts, for the message ("seconds", "times real time").
    @discardableResult
    public static func number(_ value: Double, option: String, in range: ClosedRange<Double>, what: String,
                              hint: String? = nil) throws(Failure) -> Double {
        guard value.isFinite, range.contains(value) else {
            throw Failure(option: option, value: format(value),
                          requirement: "a finite number of \(what) from \(format(range.lowerBound)) to "
                              + "\(format(range.upperBound))" + (hint.map { "; \($0)" } ?? ""))
        }
        return value
    }

    /// A whole number inside `range`.
    @discardableResult
    public static func whole<I: BinaryInteger>(_ value: I, option: String, in range: ClosedRange<I>, what: String,
                                               hint: String? = nil) throws(Failure) -> I {
        guard range.contains(value) else {
            throw Failure(option: option, value: "\(value)",
                          requirement: "a whole number of \(what) from \(range.lowerBound) to \(range.upperBound)"
                              + (hint.map { "; \($0)" } ?? ""))
        }
        return value
    }

    /// `--seconds`: how long to run before stopping by itself.
    public static func runSeconds(_ value: Double?, option: String = "--seconds") throws(Failure) {
        guard let value else { return }
        try number(value, option: option, in: secondsRange, what: "seconds",
                   hint: "leave it out to run until stopped")
    }

    /// `--speed`: how much faster than real time a simulator or a playback runs.
    public static func speed(_ value: Double?, option: String = "--speed") throws(Failure) {
        guard let value else { return }
        try number(value, option: option, in: speedRange, what: "times real time")
    }

    /// `--interval`, given as a real number so that `0.5` gets a reason rather than a parse error.
    public static func interval(_ value: Double?, option: String = "--interval") throws(Failure) -> Int? {
        guard let value else { return nil }
        guard value.isFinite, value.rounded() == value, Double(intervalRange.lowerBound)...Double(intervalRange.upperBound) ~= value else {
            throw Failure(option: option, value: format(value),
                          requirement: "a whole number of seconds from \(intervalRange.lowerBound) to "
                              + "\(intervalRange.upperBound) (the protocols request updates in whole seconds)")
        }
        return Int(value)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
    }
}
