/// The patient of the scripted infusion session, in physical units, for every monitor simulator.
///
/// Each simulator quantizes these values to its own wire resolution and units (a DINAMAP sends
/// whole mmHg, an oximeter whole percent, a GE monitor 0.01 units), so the same patient appears
/// on every device. Deterministic: the same seed and time always give the same values.
public struct PatientScript: Hashable, Sendable {
    public let seed: UInt64

    public init(seed: UInt64 = 1) { self.seed = seed }

    /// Continuous values at one moment.
    public struct Vitals: Hashable, Sendable {
        /// ECG heart rate, /min.
        public var heartRate: Double
        /// Pulse rate from the oximeter, /min.
        public var pulseRate: Double
        /// Functional SpO2, %.
        public var spo2: Double
        /// Perfusion index, %.
        public var perfusionIndex: Double
        /// Respiration rate, /min.
        public var respirationRate: Double
        /// Core temperature, °C.
        public var temperatureCelsius: Double
        /// Arterial pressure the cuff would measure now, mmHg.
        public var systolic: Double
        public var diastolic: Double
        public var mean: Double { (systolic + 2 * diastolic) / 3 }
    }

    /// What the pulse-oximeter probe sees.
    public enum OximeterProbe: Hashable, Sendable {
        case onPatient
        /// The probe is off the finger: no SpO2 or pulse rate.
        case off
    }

    /// One blood-pressure determination.
    public struct CuffDetermination: Hashable, Sendable {
        /// 0-based cycle number.
        public var cycle: Int
        /// When inflation started and when the result was (or will be) available.
        public var started: Double
        public var completed: Double
        public enum Outcome: Hashable, Sendable {
            case measured(systolic: Double, diastolic: Double, mean: Double, pulseRate: Double)
            /// The determination failed (the cuff could not measure): no values.
            case cuffError
        }
        public var outcome: Outcome
    }

    /// The cuff at one moment.
    public struct CuffState: Hashable, Sendable {
        /// A determination is running (the cuff is inflated).
        public var measuring: Bool
        /// The most recent completed determination, if any.
        public var last: CuffDetermination?

        public init(measuring: Bool, last: CuffDetermination?) {
            self.measuring = measuring
            self.last = last
        }
    }

    public func vitals(at t: Double) -> Vitals {
        let s = min(max(t, 0), InfusionSessionTimeline.duration)
        let second = Int64(s)
        let hr = Self.course(s, baseline: 72, peak: 110, titrated: 90, paused: 80, end: 76)
            + noise(second, 1) * 1.5
        let sys = Self.course(s, baseline: 120, peak: 158, titrated: 138, paused: 130, end: 126)
        let dia = Self.course(s, baseline: 78, peak: 98, titrated: 88, paused: 84, end: 80)
        let desat = Self.desaturationDepth(s)
        let spo2 = 97.5 - 8.5 * desat + noise(second, 2) * 0.4
        let rr = 14 - 4 * desat + noise(second, 3) * 0.6
        return Vitals(
            heartRate: hr,
            pulseRate: hr + noise(second, 4),
            spo2: min(100, spo2),
            perfusionIndex: 3.2 - 2.1 * desat + noise(second, 5) * 0.2,
            respirationRate: rr,
            temperatureCelsius: 36.8 + 0.2 * (s / InfusionSessionTimeline.duration) + noise(second, 6) * 0.05,
            systolic: sys + noise(second, 7) * 3,
            diastolic: dia + noise(second, 8) * 2)
    }

    public func oximeterProbe(at t: Double) -> OximeterProbe {
        t >= InfusionSessionTimeline.probeOff && t < InfusionSessionTimeline.probeBackOn ? .off : .onPatient
    }

    /// The determination of one cycle (whether or not it has happened yet at any given time).
    public func cuffDetermination(cycle: Int) -> CuffDetermination {
        let started = InfusionSessionTimeline.firstCuffStart + Double(cycle) * InfusionSessionTimeline.cuffPeriod
        let completed = started + InfusionSessionTimeline.cuffDuration
        if cycle == InfusionSessionTimeline.failingCuffCycle {
            return CuffDetermination(cycle: cycle, started: started, completed: completed, outcome: .cuffError)
        }
        let v = vitals(at: started + InfusionSessionTimeline.cuffDuration / 2)
        return CuffDetermination(
            cycle: cycle, started: started, completed: completed,
            outcome: .measured(systolic: v.systolic.rounded(), diastolic: v.diastolic.rounded(),
                               mean: v.mean.rounded(), pulseRate: v.pulseRate.rounded()))
    }

    public func cuffState(at t: Double) -> CuffState {
        let sinceFirst = t - InfusionSessionTimeline.firstCuffStart
        guard sinceFirst >= 0 else { return CuffState(measuring: false, last: nil) }
        let cycle = Int(sinceFirst / InfusionSessionTimeline.cuffPeriod)
        let current = cuffDetermination(cycle: cycle)
        if t >= current.completed { return CuffState(measuring: false, last: current) }
        return CuffState(measuring: true, last: cycle > 0 ? cuffDetermination(cycle: cycle - 1) : nil)
    }

    // MARK: the shape of the session

    /// A value through the session: baseline until the loading dose, up to `peak` at its end,
    /// easing to `titrated` on maintenance, down to `paused` over the pause, `end` by the finish.
    static func course(_ s: Double, baseline: Double, peak: Double, titrated: Double, paused: Double,
                       end: Double) -> Double {
        typealias T = InfusionSessionTimeline
        if s < T.loadingDoseStart { return baseline }
        if s < T.maintenanceStart { return ease(s, T.loadingDoseStart, T.maintenanceStart, baseline, peak) }
        if s < T.pause { return ease(s, T.maintenanceStart, T.desaturationStart, peak, titrated) }
        if s < T.resumeTitratedDown { return ease(s, T.pause, T.resumeTitratedDown, titrated, paused) }
        return ease(s, T.resumeTitratedDown, T.complete, paused, end)
    }

    /// 0 … 1: how deep the desaturation is at `s`.
    static func desaturationDepth(_ s: Double) -> Double {
        typealias T = InfusionSessionTimeline
        if s < T.desaturationStart { return 0 }
        if s < T.desaturationNadir { return ease(s, T.desaturationStart, T.desaturationNadir, 0, 1) }
        if s < T.pause { return 1 }
        return ease(s, T.pause, T.resumeTitratedDown + 60, 1, 0)
    }

    /// Smooth step from `a` at `t0` to `b` at `t1`.
    static func ease(_ t: Double, _ t0: Double, _ t1: Double, _ a: Double, _ b: Double) -> Double {
        if t <= t0 { return a }
        if t >= t1 { return b }
        let x = (t - t0) / (t1 - t0)
        return a + (b - a) * (x * x * (3 - 2 * x))
    }

    /// Deterministic noise in -1 … 1 for a channel at a whole second (SplitMix64 finalizer).
    func noise(_ second: Int64, _ channel: UInt64) -> Double {
        var z = seed &+ channel &* 0x9e37_79b9_7f4a_7c15 &+ UInt64(bitPattern: second) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Double(z % 2001) / 1000 - 1
    }
}
