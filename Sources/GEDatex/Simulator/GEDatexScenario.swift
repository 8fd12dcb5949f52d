/// The scripted one-hour infusion session the simulator plays: a patient whose heart rate and
/// blood pressure rise between minutes 15 and 35 (a mild infusion reaction) and settle, with a
/// small SpO2 dip, cuff measurements every 5 minutes, and slight deterministic variation.
///
/// Every value is in the monitor's raw integer units (the numbers that go on the wire), so a test
/// can compare what the driver reports with the script exactly. Deterministic from `seed`.
public struct GEDatexScenario: Hashable, Sendable {
    /// Length of the script; later times hold the final values.
    public static let durationSeconds = 3600.0
    /// Cuff cycle period and how long one measurement takes.
    public static let cuffPeriodSeconds = 300.0
    public static let cuffMeasurementSeconds = 40.0

    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Continuous values at one moment (raw GE units: /min, 0.01 %, 0.1 mmHg, 0.01 °C).
    public struct Vitals: Hashable, Sendable {
        /// ECG heart rate, /min.
        public var heartRate: Int16
        /// SpO2, 0.01 %.
        public var spo2: Int16
        /// Pulse rate from the oximeter, /min.
        public var pulseRate: Int16
        /// Pleth modulation (infrared amplitude), 0.01 %.
        public var irAmplitude: Int16
        /// Impedance respiration rate, /min.
        public var impedanceRespirationRate: Int16
        /// End-tidal and inspired CO2, 0.01 % of ambient.
        public var etCO2: Int16
        public var fiCO2: Int16
        /// Respiration rate from CO2, /min.
        public var co2RespirationRate: Int16
        /// Ambient pressure, 0.1 mmHg.
        public var ambientPressure: Int16
        /// Tympanic temperature, 0.01 °C.
        public var temperature: Int16
    }

    /// One completed cuff measurement (0.01 mmHg; rate /min).
    public struct CuffResult: Hashable, Sendable {
        public var systolic: Int16
        public var diastolic: Int16
        public var mean: Int16
        public var pulseRate: Int16
        /// Scenario time at which the result appeared.
        public var completedAt: Double
        /// Index of the cycle (0, 1, 2, …).
        public var cycle: Int
    }

    /// The cuff as the monitor shows it at one moment.
    public struct CuffStatus: Hashable, Sendable {
        /// The latest completed result (`nil` before the first cycle finished).
        public var result: CuffResult?
        /// A measurement is in progress.
        public var measuring: Bool
        /// The shown result is older than 60 s.
        public var olderThan60s: Bool
    }

    public func vitals(at t: Double) -> Vitals {
        let m = min(max(t, 0), Self.durationSeconds) / 60
        let second = Int64(min(max(t, 0), Self.durationSeconds))
        let hr = Self.profile(m, base: 72, peak: 96, settle: 78) + Double(noise(second, 1, spread: 1))
        let spo2 = 97.0 - 2.5 * Self.bump(m, from: 20, to: 28) + Double(noise(second, 2, spread: 15)) / 100
        let rr = Self.profile(m, base: 14, peak: 18, settle: 15)
        let et = Self.profile(m, base: 4.9, peak: 4.5, settle: 4.8) + Double(noise(second, 3, spread: 4)) / 100
        let temp = Self.profile(m, base: 36.8, peak: 37.4, settle: 37.1)
        let heartRate = Int16((hr).rounded())
        return Vitals(
            heartRate: heartRate,
            spo2: Int16((spo2 * 100).rounded()),
            pulseRate: heartRate + Int16(noise(second, 4, spread: 1)),
            irAmplitude: Int16(250 + noise(second, 5, spread: 30)),
            impedanceRespirationRate: Int16(rr.rounded()),
            etCO2: Int16((et * 100).rounded()),
            fiCO2: 0,
            co2RespirationRate: Int16(rr.rounded()) + Int16(noise(second, 6, spread: 1)),
            ambientPressure: 7600,
            temperature: Int16((temp * 100).rounded()))
    }

    public func cuff(at t: Double) -> CuffStatus {
        let clamped = max(t, 0)
        let cycles = Int(Self.durationSeconds / Self.cuffPeriodSeconds)  // cycles that start within the script
        let cycle = Int(clamped / Self.cuffPeriodSeconds)
        let intoCycle = clamped - Double(cycle) * Self.cuffPeriodSeconds
        let measuring = cycle < cycles && intoCycle < Self.cuffMeasurementSeconds
        let lastCompleted = min(measuring ? cycle - 1 : cycle, cycles - 1)
        guard lastCompleted >= 0 else { return CuffStatus(result: nil, measuring: measuring, olderThan60s: false) }
        let result = cuffResult(cycle: lastCompleted)
        return CuffStatus(result: result, measuring: measuring, olderThan60s: clamped - result.completedAt > 60)
    }

    /// The result of cuff cycle `cycle` (0-based; cycle k starts at k × 5 min).
    public func cuffResult(cycle: Int) -> CuffResult {
        let c = cycle
        let completedAt = Double(cycle) * Self.cuffPeriodSeconds + Self.cuffMeasurementSeconds
        let m = min(completedAt, Self.durationSeconds) / 60
        let sys = (Self.profile(m, base: 118, peak: 142, settle: 124) + Double(noise(Int64(c), 7, spread: 2))).rounded()
        let dia = (Self.profile(m, base: 74, peak: 88, settle: 78) + Double(noise(Int64(c), 8, spread: 2))).rounded()
        let mean = ((sys + 2 * dia) / 3).rounded()
        return CuffResult(systolic: Int16(sys * 100), diastolic: Int16(dia * 100), mean: Int16(mean * 100),
                          pulseRate: vitals(at: completedAt).heartRate, completedAt: completedAt, cycle: cycle)
    }

    /// Baseline until minute 15, ramp to `peak` by 20, hold to 30, ramp to `settle` by 35.
    static func profile(_ m: Double, base: Double, peak: Double, settle: Double) -> Double {
        switch m {
        case ..<15: base
        case ..<20: base + (peak - base) * smooth((m - 15) / 5)
        case ..<30: peak
        case ..<35: peak + (settle - peak) * smooth((m - 30) / 5)
        default: settle
        }
    }

    /// 0 outside [from, to], rising smoothly to 1 in the middle.
    static func bump(_ m: Double, from: Double, to: Double) -> Double {
        guard m > from, m < to else { return 0 }
        let x = (m - from) / (to - from)
        return x < 0.5 ? smooth(x * 2) : smooth((1 - x) * 2)
    }

    static func smooth(_ x: Double) -> Double { x * x * (3 - 2 * x) }

    /// Deterministic variation in −spread…spread for (time step, channel).
    func noise(_ step: Int64, _ channel: UInt64, spread: Int) -> Int {
        guard spread > 0 else { return 0 }
        var z = seed &+ UInt64(bitPattern: step) &* 0x9E37_79B9_7F4A_7C15 &+ channel &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(2 * spread + 1)) - spread
    }
}
