import BedsideDriver
import BedsideModel

/// Decodes poll results (numerics, waves, alarms, MDS, demographics) into observations.
///
/// Works on the deframed message in place: it walks the PollInfoList by offsets, caches each
/// object's label and wave context, and allocates only for the observations it emits. A result
/// whose lists do not add up is rejected whole before anything is emitted.
struct PollResultDecoder: Sendable {
    /// Metric terms, units and reasons, with their caches.
    var naming: MetricNaming
    var zone: any DeviceTimeZone
    var waveformsEnabled: Bool
    var demographicsEnabled: Bool
    var anchor: DeviceClockAnchor?
    var objects = ObjectTable()
    var alarms = AlarmTracker()
    var alarmEntries = AlarmEntryCache()
    /// Whether the monitor said it runs in demo mode (MDS operating mode): its alarms are flagged demo.
    var monitorInDemoMode = false
    /// Facts from the last MDS object seen (identity, mode).
    var lastMDS: MDSFacts? { didSet { lastIdentity = nil } }

    private var mdsTexts = MDSFacts.TextMemo()
    /// ``lastMDS``'s identity once built (cleared whenever ``lastMDS`` is set).
    private var lastIdentity: DeviceIdentityUpdate?

    init(mapping: IntelliVueMapping, zone: any DeviceTimeZone, waveformsEnabled: Bool, demographicsEnabled: Bool) {
        naming = MetricNaming(mapping: mapping)
        self.zone = zone
        self.waveformsEnabled = waveformsEnabled
        self.demographicsEnabled = demographicsEnabled
    }

    /// A new association reports the cuff measurement on screen once again (the bridge may have
    /// marked it stale while the link was down).
    mutating func forgetEpisodes() {
        objects.forgetEpisodes()
    }

    /// Device time for a RelativeTime stamp, when the clock anchor is known.
    func deviceTime(relative: UInt32) -> DeviceTime? {
        Self.deviceTime(relative: relative, anchor: anchor, zone: zone)
    }

    /// The monitor keeps local wall-clock time: a wall-clock reading (counted as if UTC) resolved
    /// in the device's zone.
    func resolved(_ wallClock: Timestamp?) -> DeviceTime? {
        Self.resolved(wallClock, zone: zone)
    }

    // Static forms for the per-object path: calling an instance method there copied the decoder.
    static func deviceTime(relative: UInt32, anchor: DeviceClockAnchor?, zone: any DeviceTimeZone) -> DeviceTime? {
        resolved(anchor?.time(ofRelative: relative), zone: zone)
    }

    static func resolved(_ wallClock: Timestamp?, zone: any DeviceTimeZone) -> DeviceTime? {
        guard let wallClock else { return nil }
        let seconds = wallClock.secondsSinceEpoch
        return zone.resolve(localSeconds: seconds, nanoseconds: wallClock.nanosecondsSinceEpoch - seconds * 1_000_000_000)
    }

    /// Checks that every context, object and attribute list in the result adds up exactly.
    static func validate(_ poll: PollReplyHeader) throws(IntelliVuePDUError) {
        var r = poll.contexts
        for _ in 0..<poll.contextCount {
            try r.skip(2)
            var objects = try r.list()
            var n = 0
            while !objects.body.isAtEnd {
                try objects.body.skip(2)
                var attributes = try objects.body.list()
                var k = 0
                while !attributes.body.isAtEnd {
                    try attributes.body.skip(2)
                    try attributes.body.skip(Int(try attributes.body.u16()))
                    k += 1
                }
                guard k == attributes.count else { throw .inconsistentLength(what: "attribute list", at: attributes.body.offset) }
                n += 1
            }
            guard n == objects.count else { throw .inconsistentLength(what: "observation poll list", at: objects.body.offset) }
        }
        guard r.isAtEnd else { throw .inconsistentLength(what: "poll info list", at: r.offset) }
    }

    /// Decodes one validated poll result part.
    mutating func decode(_ poll: PollReplyHeader, hostTime: Timestamp, into output: inout DriverOutput) {
        if poll.objectClass == Nomenclature.ObjectClass.patientDemographics && !demographicsEnabled {
            output.count("demographics.suppressed")
            return
        }
        let replyTime = deviceTime(relative: poll.relativeTime)
        var r = poll.contexts
        do {
            for _ in 0..<poll.contextCount {
                let context = try r.u16()
                var objects = try r.list()
                while !objects.body.isAtEnd {
                    let handle = try objects.body.u16()
                    let attributes = try objects.body.list()
                    decodeObject(class: poll.objectClass, context: context, handle: handle, attributes: attributes.body,
                                 count: attributes.count, replyTime: replyTime, hostTime: hostTime, into: &output)
                }
            }
        } catch {
            output.count(.malformedFrames)  // unreachable after validate(); kept as a guard
        }
    }

    private mutating func decodeObject(class objectClass: UInt16, context: UInt16, handle: UInt16, attributes: PDUReader,
                                       count: Int, replyTime: DeviceTime?, hostTime: Timestamp,
                                       into output: inout DriverOutput) {
        switch objectClass {
        case Nomenclature.ObjectClass.numeric, Nomenclature.ObjectClass.sampleArray:
            decodeMetric(context: context, handle: handle, attributes: attributes, count: count, replyTime: replyTime,
                         hostTime: hostTime, into: &output)
        case Nomenclature.ObjectClass.alertMonitor:
            decodeAlertMonitor(attributes: attributes, count: count)
        case Nomenclature.ObjectClass.mds:
            do {
                let facts = try MDSFacts(attributes: attributes, count: count, memo: &mdsTexts)
                if let a = facts.absoluteTime, let rel = facts.relativeTime {
                    anchor = DeviceClockAnchor(absolute: a, relative: rel)
                    output.count("clock.anchors")
                }
                // The identity is built (model joined to manufacturer) only when its texts change:
                // the MDS object comes in every extended poll.
                var unchanged = false
                if let last = lastMDS {
                    unchanged = last.manufacturer == facts.manufacturer && last.model == facts.model
                        && last.serialNumber == facts.serialNumber && last.softwareVersion == facts.softwareVersion
                }
                let identity = unchanged ? (lastIdentity ?? facts.identity) : facts.identity
                lastMDS = facts
                lastIdentity = identity
                if let identity { output.identity = identity }
                if let mode = facts.operatingMode { monitorInDemoMode = mode == Nomenclature.OperatingMode.demo }
            } catch {
                output.count("attributes.malformed")
            }
        case Nomenclature.ObjectClass.patientDemographics:
            decodeDemographics(attributes: attributes, count: count, replyTime: replyTime, hostTime: hostTime, into: &output)
        default:
            output.count("objects.skipped")
        }
    }

    // MARK: lookups shared by the object decoders

    var mapping: IntelliVueMapping { naming.mapping }

    mutating func metric(physio: UInt16, label: UInt32) -> MetricIdentity {
        naming.metric(physio: physio, label: label)
    }

    mutating func vendorUnit(_ code: UInt16) -> String {
        naming.vendorUnit(code)
    }

    mutating func reason(_ state: IntelliVueMeasurementState, _ value: IntelliVueFloat?) -> String? {
        naming.reason(state, value)
    }
}
