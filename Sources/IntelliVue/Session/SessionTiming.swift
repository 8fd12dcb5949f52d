/// The driver's timers. The values follow our protocol notes' recommendations; none of them was
/// confirmed on hardware by this implementation.
public struct IntelliVueSessionTiming: Hashable, Sendable {
    /// Wait after the stale-association Release Request before sending the association request.
    public var staleReleaseWait: Int64 = 1_000_000_000
    /// Association request retry interval while unanswered.
    public var associationRetry: Int64 = 2_000_000_000
    /// Unanswered association requests after which the driver reports an `.error` with advice.
    public var associationAttemptsBeforeWarning = 5
    /// After an abort or a release by the monitor, wait this long before associating again.
    public var reassociationHoldOff: Int64 = 1_000_000_000
    /// How long to wait for the MDS Create Event after the association response (monitor resends every 3 s).
    public var mdsCreateWait: Int64 = 10_000_000_000
    /// No frame for this long while associated = silence: release and re-associate.
    public var silenceTimeout: Int64 = 5_000_000_000
    /// Keep-alive (single poll of the alert monitor) when nothing was sent for this long (guide: ≤ 5 s).
    public var keepAliveInterval: Int64 = 4_000_000_000
    /// Active period requested for periodic (extended) polls.
    public var pollActivePeriod: Int64 = 60_000_000_000
    /// Renew periodic polls this long after the last request (before the active period ends).
    public var pollRenewal: Int64 = 45_000_000_000
    /// MDS single poll interval, to refresh the absolute/relative time anchor.
    public var mdsPollInterval: Int64 = 60_000_000_000
    /// Patient demographics single poll interval (only with `demographics=on`).
    public var demographicsPollInterval: Int64 = 60_000_000_000
    /// Retry delay for a request the monitor answered with an error.
    public var errorRetry: Int64 = 2_000_000_000
    /// Release Request resend interval on shutdown, and how many times to send it.
    public var releaseResend: Int64 = 500_000_000
    public var releaseAttempts = 3
    /// The monitor processes at most 4 frames per 128 ms; more are dropped silently.
    public var frameWindow: Int64 = 128_000_000
    public var framesPerWindow = 4
    /// The monitor processes at most one poll per object class per second.
    public var perClassPollSpacing: Int64 = 1_000_000_000

    public init() {}

    /// `pollActivePeriod` in RelativeTime ticks.
    var pollActivePeriodTicks: UInt32 { UInt32(pollActivePeriod / IntelliVueTime.nanosecondsPerTick) }
}
