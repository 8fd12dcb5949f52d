/// When things happen in the scripted one-hour ketamine infusion session every simulator plays.
///
/// One timeline, shared by the patient (what the monitors and oximeters measure) and the infusion
/// (what the pumps deliver), so a demo chair tells one coherent story: the loading dose raises heart
/// rate and blood pressure, the patient desaturates and the nurse pauses the pump, the rate is
/// titrated down, the pleth probe slips off, the line occludes and is cleared, the cuff errors once,
/// and the bag runs to near-end and completion. Times are seconds since the session started.
public enum InfusionSessionTimeline {
    /// Length of the session; the script holds its final state after this.
    public static let duration: Double = 3600

    /// The pump is programmed and started: loading dose.
    public static let loadingDoseStart: Double = 120
    /// Loading dose finished; maintenance rate begins.
    public static let maintenanceStart: Double = 720
    /// The rate is raised once (titration up) because pain control is insufficient.
    public static let titrationUp: Double = 1200
    /// SpO2 starts to fall (sedation, shallower breathing).
    public static let desaturationStart: Double = 1560
    /// SpO2 is at its lowest from here …
    public static let desaturationNadir: Double = 1680
    /// The nurse pauses the infusion because of the desaturation.
    public static let pause: Double = 1800
    /// The infusion resumes at a lower rate (titration down); SpO2 recovers.
    public static let resumeTitratedDown: Double = 1920
    /// The pulse-oximeter probe slips off the finger …
    public static let probeOff: Double = 2280
    /// … and is put back.
    public static let probeBackOn: Double = 2340
    /// The line occludes (downstream occlusion alarm) …
    public static let occlusion: Double = 2700
    /// … the nurse clears it and the alarm ends …
    public static let occlusionCleared: Double = 2760
    /// … and restarts the infusion.
    public static let occlusionRestart: Double = 2790
    /// The container is nearly empty (near-end pre-alarm).
    public static let nearEnd: Double = 3300
    /// Volume to be infused reached: infusion complete.
    public static let complete: Double = 3540

    /// The blood-pressure cuff starts a determination every `cuffPeriod` seconds from `firstCuffStart`.
    public static let firstCuffStart: Double = 60
    public static let cuffPeriod: Double = 300
    /// How long one determination takes (inflation to result).
    public static let cuffDuration: Double = 35
    /// The determination with this index (0-based) fails with a cuff error and gives no values.
    public static let failingCuffCycle = 9
}
