import BedsideDriver
import BedsideModel

/// Philips IntelliVue (MP/MX/X series) Data Export over the MIB/RS232 port, fixed 115200 8N1.
///
/// A sans-IO state machine: bytes and times in, frames to send, observations and deadlines out.
/// It associates with the poll profile (real-time numerics, waves), answers the MDS Create Event,
/// keeps the association alive, polls numerics, alarms and waves with periodic extended polls
/// renewed before they expire, maps the monitor's relative time to device time, and re-associates
/// after an abort, a refuse or 5 s of silence (releasing a stale association first).
///
/// With `transmitEnabled == false` it never transmits and decodes whatever the monitor sends
/// (recorded logs, a second listener on the monitor's TxD).
///
/// Options: see ``demographicsOption``. The update interval is the monitor's own (numerics and
/// alarms every second, waves every 256 ms): `DriverConfiguration.updateIntervalSeconds` is ignored.
public struct IntelliVueDriver: DeviceDriver {
    public static let descriptor = DriverDescriptor(
        name: "intellivue", vendor: "Philips",
        summary: "Philips IntelliVue MP/MX monitors, Data Export over MIB/RS232 (115200 8N1); the monitor sets the update interval (--interval is ignored)",
        defaultSerialSettings: SerialSettings(baudRate: 115_200),
        options: [demographicsOption],
        nominalUpdatePeriodNanoseconds: 1_000_000_000,
        deviceRanges: IntelliVueRanges.embedded,
        detection: detection)

    /// The probe proposes an association (the AARQ with numerics-only poll profile); a monitor
    /// that accepts answers with an AARE, and the probe then releases the association at once so
    /// the monitor is free for the bridge. Association changes no monitor setting.
    public static let detection: DriverDetection = {
        var request: [UInt8] = [], release: [UInt8] = []
        let profile = IntelliVuePollProfile(extensionOptions: Nomenclature.PollExtension.realtimeNumerics
                                            | Nomenclature.PollExtension.enumerations)
        IntelliVueFrameEncoder.encode(AssociationMessages.associationRequest(profile), into: &request)
        IntelliVueFrameEncoder.encode(AssociationMessages.releaseRequest, into: &release)
        // Three frames, each with an FCS-16.
        return DriverDetection(approach: .request(request), summary: "an association request, released after the answer",
                               answerWithinNanoseconds: 3_000_000_000, farewell: release,
                               sniffing: [SniffEvidence(framesNeeded: 3)])
    }()

    /// `demographics=on` polls patient demographics and emits only the body measurements (height,
    /// weight, age, BSA). Off by default: demographics the monitor sends are then skipped undecoded
    /// and counted as `demographics.suppressed`. Names, ids and dates of birth are never emitted or logged.
    public static let demographicsOption = DriverOptionSpec(
        name: "demographics", kind: .flag,
        help: "poll patient demographics and forward only height, weight, age and BSA (names, ids and dates of birth never leave the driver)",
        defaultValue: "off")

    /// Labels requested for wave export: ECG II, Pleth, ABP, ART, PAP, CVP, CO₂, Resp.
    static let waveLabels: [UInt32] = [0x0002_0102, 0x0002_4bb4, 0x0002_4a14, 0x0002_4a10, 0x0002_4a1c, 0x0002_4a44,
                                       0x0002_50ac, 0x0002_5000]

    let configuration: DriverConfiguration
    /// Timers in use (public for tests and documentation).
    public var timing = IntelliVueSessionTiming()
    var framer = IntelliVueFrameDecoder()
    var decoder: PollResultDecoder
    var session: SessionState = .idle
    var linked = LinkedResultTracker()
    var nextInvokeID: UInt16 = 1
    var nextPollNumber: UInt16 = 1
    /// Outstanding requests by invoke id, to say which one failed when the monitor answers ROER.
    var outstanding: [UInt16: PollPlan.Task] = [:]
    var lastReceive: Timestamp?
    var mappingError: String?

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        let mapping: IntelliVueMapping
        switch IntelliVueMapping.embedded {
        case .success(let m): mapping = m
        case .failure(let e): mapping = IntelliVueMapping(); mappingError = "\(e)"
        }
        let demographics = configuration.flag(Self.demographicsOption)
        decoder = PollResultDecoder(mapping: mapping, zone: configuration.deviceTimeZone,
                                    waveformsEnabled: configuration.waveformsEnabled, demographicsEnabled: demographics)
    }

    /// The poll profile this driver proposes.
    public var proposedProfile: IntelliVuePollProfile {
        var options = Nomenclature.PollExtension.realtimeNumerics | Nomenclature.PollExtension.enumerations
        if configuration.waveformsEnabled { options |= Nomenclature.PollExtension.realtimeSampleArrays }
        return IntelliVuePollProfile(minimumPollPeriodTicks: 800_000, maximumMTUReceive: 1000, maximumMTUTransmit: 1000,
                                     extensionOptions: options)
    }

    /// Name of the current session state (for diagnostics and tests).
    public var stateName: String { session.name }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        if let mappingError {
            output.observations.append(.link(LinkEvent(kind: .error, detail: "IntelliVue mapping tables failed to load (\(mappingError)); values are forwarded unmapped. Rebuild from a clean checkout.", hostTime: now)))
        }
        if configuration.transmitEnabled {
            beginAssociation(now: now, releaseFirst: true, into: &output)
            service(now: now, into: &output)
        } else {
            session = .listening(.init())
            output.nextDeadline = now.adding(nanoseconds: timing.silenceTimeout)
        }
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        var framer = IntelliVueFrameDecoder()
        swap(&framer, &self.framer)
        defer { swap(&framer, &self.framer) }
        var index = 0
        while let event = framer.next(in: bytes, from: &index) {
            switch event {
            case .frame:
                output.count(.framesAccepted)
                lastReceive = now
                framer.withMessage { handleMessage($0, now: now, into: &output) }
            case .dropped(let error):
                if case .strayBytes(let n) = error { output.count(.bytesDiscarded, by: n) } else { output.count(DriverCounter(error.counterName)) }
            }
        }
        service(now: now, into: &output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        service(now: now, into: &output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        switch session {
        case .associated, .awaitingMDSCreate, .associating, .releasingStale:
            send(AssociationMessages.releaseRequest, into: &output)
            output.count("release.sent")
            session = .releasing(.init(attempts: 1, nextResend: now.adding(nanoseconds: timing.releaseResend)))
            output.nextDeadline = now.adding(nanoseconds: timing.releaseResend)
            output.observations.append(.link(LinkEvent(kind: .stopped, detail: "release request sent to the monitor", hostTime: now)))
        case .releasing(let s):
            output.nextDeadline = s.nextResend
        case .idle, .listening, .stopped:
            session = .stopped
            output.nextDeadline = nil
            output.observations.append(.link(LinkEvent(kind: .stopped, hostTime: now)))
        }
    }

    // MARK: sending

    /// Frames and queues `message` (never when transmitting is disabled).
    mutating func send(_ message: [UInt8], into output: inout DriverOutput) {
        guard configuration.transmitEnabled else { return }
        IntelliVueFrameEncoder.encode(message, into: &output.transmit)
        output.count("frames.sent")
        if message.first == Nomenclature.SPDU.dataExport { output.count(.requestsSent) }
    }

    mutating func takeInvokeID() -> UInt16 {
        defer { nextInvokeID = nextInvokeID == .max ? 1 : nextInvokeID + 1 }
        return nextInvokeID
    }

    mutating func takePollNumber() -> UInt16 {
        defer { nextPollNumber = nextPollNumber == .max ? 1 : nextPollNumber + 1 }
        return nextPollNumber
    }

    mutating func link(_ kind: LinkEvent.Kind, _ detail: String?, now: Timestamp, into output: inout DriverOutput) {
        output.observations.append(.link(LinkEvent(kind: kind, detail: detail, hostTime: now)))
    }
}
