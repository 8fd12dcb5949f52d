/// What the pumps deliver in the scripted infusion session: a ketamine syringe (loading dose as a
/// volume bolus, maintenance, titration up, pause, resume titrated down, occlusion, near end,
/// completion) and a carrier-fluid channel, on the times of ``InfusionSessionTimeline``.
///
/// Every pump simulator quantizes these values to its own wire resolution, so the same infusion
/// appears on every pump. Pure and deterministic.
public struct InfusionProgram: Hashable, Sendable {
    /// One channel (one pump) of the programme.
    public struct Channel: Hashable, Sendable {
        /// Drug or fluid name as a pump's drug library would show it.
        public var drug: String
        /// Short name (≤ 8 characters).
        public var shortName: String
        /// Concentration in mg/mL; `nil` for a carrier fluid without drug.
        public var concentrationMgPerML: Double?
        /// Volume to be infused, mL.
        public var volumeToBeInfused: Double
        /// Syringe or bag size, mL.
        public var containerML: Double
    }

    /// What one channel is doing at one moment.
    public struct ChannelState: Hashable, Sendable {
        /// The pump is delivering (programmed rate or bolus).
        public var running: Bool
        /// The infusion has started at some point (a stopped pump with a programme is paused).
        public var started: Bool
        /// Programmed (maintenance) rate, mL/h.
        public var rate: Double
        /// A volume bolus (the loading dose) is being delivered at ``bolusRate``.
        public var bolusActive: Bool
        public var bolusRate: Double
        /// Volume delivered so far, mL.
        public var volumeInfused: Double
        /// Time left to the end of the VTBI at the current rate, s (`nil` while not running).
        public var secondsRemaining: Double?
        /// Downstream occlusion alarm active.
        public var occlusion: Bool
        /// Near-end pre-alarm.
        public var nearEnd: Bool
        /// VTBI reached.
        public var complete: Bool
    }

    /// Patient weight the doses are programmed for, kg.
    public static let patientWeightKg: Double = 70
    /// The ketamine syringe: 500 mg in 50 mL.
    public static let ketamine = Channel(drug: "Ketamine 10 mg/mL", shortName: "Ketamin", concentrationMgPerML: 10,
                                         volumeToBeInfused: ketamineVolume, containerML: 50)
    /// The carrier: sodium chloride 0.9 %.
    public static let carrier = Channel(drug: "NaCl 0.9%", shortName: "NaCl", concentrationMgPerML: nil,
                                        volumeToBeInfused: 100, containerML: 500)

    /// Ketamine rates, mL/h (10 mg/mL, 70 kg): loading 0.35 mg/kg over 10 min as a volume bolus,
    /// maintenance 0.5 mg/kg/h, titrated up to 0.7, resumed titrated down to 0.4.
    public static let loadingBolusRate: Double = 14.7
    public static let maintenanceRate: Double = 3.5
    public static let titratedUpRate: Double = 4.9
    public static let titratedDownRate: Double = 2.8
    /// Carrier rate, mL/h, from ``carrierStart`` to the end of the session.
    public static let carrierRate: Double = 50
    public static let carrierStart: Double = 90
    /// The near-end pre-alarm sounds when this much time is left.
    public static let nearEndSeconds: Double = InfusionSessionTimeline.complete - InfusionSessionTimeline.nearEnd

    /// The VTBI that the ketamine programme reaches exactly at ``InfusionSessionTimeline/complete``.
    public static let ketamineVolume: Double = {
        var v = 0.0
        for (start, end, rate) in ketamineSegments { v += (end - start) * rate / 3600 }
        return v
    }()

    /// Delivering segments of the ketamine channel: (from, to, mL/h).
    static let ketamineSegments: [(Double, Double, Double)] = {
        typealias T = InfusionSessionTimeline
        return [
            (T.loadingDoseStart, T.maintenanceStart, loadingBolusRate),
            (T.maintenanceStart, T.titrationUp, maintenanceRate),
            (T.titrationUp, T.pause, titratedUpRate),
            (T.resumeTitratedDown, T.occlusion, titratedDownRate),
            (T.occlusionRestart, T.complete, titratedDownRate),
        ]
    }()

    public init() {}

    /// The ketamine channel at `t` seconds into the session.
    public func ketamine(at t: Double) -> ChannelState {
        typealias T = InfusionSessionTimeline
        var volume = 0.0
        var running = false
        var current = 0.0
        for (start, end, rate) in Self.ketamineSegments {
            if t >= end { volume += (end - start) * rate / 3600 } else if t >= start {
                volume += (t - start) * rate / 3600
                running = true
                current = rate
            }
        }
        let complete = t >= T.complete
        if complete { volume = Self.ketamineVolume }
        let programmed: Double = t < T.titrationUp ? Self.maintenanceRate : t < T.resumeTitratedDown ? Self.titratedUpRate : Self.titratedDownRate
        let bolus = t >= T.loadingDoseStart && t < T.maintenanceStart
        let remaining = running && current > 0 ? (Self.ketamineVolume - volume) * 3600 / current : nil
        return ChannelState(
            running: running && !complete, started: t >= T.loadingDoseStart, rate: programmed, bolusActive: bolus,
            bolusRate: bolus ? Self.loadingBolusRate : 0, volumeInfused: volume, secondsRemaining: remaining,
            occlusion: t >= T.occlusion && t < T.occlusionCleared,
            nearEnd: t >= T.nearEnd && t < T.complete, complete: complete)
    }

    /// The carrier channel at `t` seconds into the session.
    public func carrier(at t: Double) -> ChannelState {
        let end = InfusionSessionTimeline.duration
        let running = t >= Self.carrierStart && t < end
        let volume = max(0, min(t, end) - Self.carrierStart) * Self.carrierRate / 3600
        return ChannelState(
            running: running, started: t >= Self.carrierStart, rate: Self.carrierRate, bolusActive: false, bolusRate: 0,
            volumeInfused: volume,
            secondsRemaining: running ? (Self.carrier.volumeToBeInfused - volume) * 3600 / Self.carrierRate : nil,
            occlusion: false, nearEnd: false, complete: false)
    }
}
