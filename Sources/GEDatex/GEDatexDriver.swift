import BedsideDriver
import BedsideModel

/// GE Datex-Ohmeda S/5 computer interface ("DRI") driver for S/5, AS/3 and CARESCAPE B450/B650
/// monitors, as a sans-IO state machine.
///
/// On ``start(now:into:)`` it asks for displayed values (basic + ext1–3) at DRI level 0 every
/// `updateIntervalSeconds` (default 5 s) and, when waveforms are enabled, for ECG1, PLETH and CO2
/// (425 samples/s, under the interface's 600 samples/s budget). Without an answer within about
/// two intervals it repeats the request at levels 11…7. Once data flows it re-requests after
/// max(3 × interval, 15 s) of silence. ``stop(now:into:)`` sends the stop requests at every level
/// that was used. With `transmitEnabled == false` it never transmits and only decodes.
///
/// Driver options (`DriverConfiguration.options`):
/// - `waves=ecg1,pleth,co2` — waveform names or ids to request (`none` for none);
/// - `classes=basic,ext1,ext2,ext3` — PHDB classes to request;
/// - `alarms=on` — also request alarm status (layout unverified; see the protocol README).
public struct GEDatexDriver: DeviceDriver {
    public static let descriptor = DriverDescriptor(
        name: "ge-datex",
        vendor: "GE Healthcare (Datex-Ohmeda)",
        summary: "GE Datex-Ohmeda S/5, AS/3, CARESCAPE B450/B650 computer interface (DRI): numerics, waveforms",
        defaultSerialSettings: SerialSettings(baudRate: 19200, dataBits: 8, parity: .even, stopBits: 1, flowControl: .rtsCts)
    )

    /// Default update interval when the configuration does not choose one.
    public static let defaultIntervalSeconds = 5
    /// Waveforms requested by default: ECG1 (300/s), PLETH (100/s), CO2 (25/s).
    public static let defaultWaveIDs: [UInt8] = [1, 8, 9]
    /// The interface's sample budget at 19200 baud.
    public static let maximumSamplesPerSecond = 600

    private let configuration: DriverConfiguration
    private var framer = GEDatexFrameDecoder()
    private var phdb: GEDatexPHDBDecoder
    private let waves: GEDatexWaveformDecoder
    private var alarms = GEDatexAlarmDecoder()
    private var session: GEDatexSession
    private var lastCounters = GEDatexFrameDecoder.Counters()

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        let tables = GEDatexTables.shared
        phdb = GEDatexPHDBDecoder(tables: tables)
        waves = GEDatexWaveformDecoder(tables: tables)
        session = GEDatexSession(plan: Self.plan(for: configuration, tables: tables))
    }

    /// The session plan a configuration leads to (interval, classes, waveforms within budget).
    static func plan(for configuration: DriverConfiguration, tables: GEDatexTables) -> GEDatexSessionPlan {
        let interval = max(1, min(configuration.updateIntervalSeconds ?? defaultIntervalSeconds, Int(Int16.max)))
        var classes = GEDatexClassSet.all
        if let text = configuration.options["classes"] {
            classes = []
            for name in text.split(separator: ",") {
                switch name.trimmingCharacters() {
                case "basic": classes.insert(.basic)
                case "ext1": classes.insert(.ext1)
                case "ext2": classes.insert(.ext2)
                case "ext3": classes.insert(.ext3)
                default: break
                }
            }
            if classes.isEmpty { classes = .all }
        }
        var waveIDs: [UInt8] = []
        if configuration.waveformsEnabled {
            if let text = configuration.options["waves"] {
                for name in text.split(separator: ",") {
                    let n = name.trimmingCharacters().uppercased()
                    if let id = UInt8(n) ?? tables.waves.first(where: { $0?.name == n })??.id,
                       tables.waves[Int(id)] != nil, !waveIDs.contains(id) {
                        waveIDs.append(id)
                    }
                }
            } else {
                waveIDs = defaultWaveIDs
            }
            // Keep within the sample budget, dropping from the end of the list.
            while waveIDs.reduce(0, { $0 + (tables.waves[Int($1)]?.sampleRateHz ?? 0) }) > maximumSamplesPerSecond {
                waveIDs.removeLast()
            }
        }
        return GEDatexSessionPlan(transmit: configuration.transmitEnabled, intervalSeconds: interval, classes: classes,
                                  waveIDs: waveIDs, alarms: configuration.options["alarms"] == "on")
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        session.start(now: now, into: &output)
        output.nextDeadline = session.nextDeadline
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        var index = 0
        while let outcome = framer.next(in: bytes, from: &index) {
            switch outcome {
            case .frame:
                output.count("frames.ok")
                let frame = framer.frameBytes
                frame.withUnsafeBytes { all in
                    handleRecord(UnsafeRawBufferPointer(rebasing: all[0..<(all.count - 1)]), now: now, into: &output)
                }
            case .checksumError:
                output.count("frames.checksum-error")
                session.badFrame(now: now, into: &output)
            case .lengthError:
                output.count("frames.length-error")
                session.badFrame(now: now, into: &output)
            case .unknownMainType:
                output.count("frames.unknown-maintype")
                session.badFrame(now: now, into: &output)
            case .oversize:
                output.count("frames.oversize")
                session.badFrame(now: now, into: &output)
            }
        }
        let discarded = framer.counters.bytesDiscarded - lastCounters.bytesDiscarded
        if discarded > 0 { output.count("bytes.discarded", by: discarded) }
        lastCounters = framer.counters
        output.nextDeadline = session.nextDeadline
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        session.tick(now: now, into: &output)
        output.nextDeadline = session.nextDeadline
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        session.stop(now: now, into: &output)
        output.nextDeadline = nil
    }

    /// Frame-level totals since the driver was created.
    public var frameCounters: GEDatexFrameDecoder.Counters { framer.counters }

    private mutating func handleRecord(_ record: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        guard let header = GEDatexRecordHeader(record: record), let mainType = header.mainType else { return }
        let offset = configuration.deviceTimeZone
        switch mainType {
        case .physiological:
            phdb.decode(record: record, header: header, hostTime: now, zone: offset, into: &output)
        case .waveform:
            if configuration.waveformsEnabled {
                waves.decode(record: record, header: header, context: phdb, hostTime: now, zone: offset,
                             into: &output)
            }
        case .alarm:
            alarms.decode(record: record, header: header, hostTime: now, zone: offset, into: &output)
        case .network, .anaesthesiaRecord:
            output.count("records.ignored")
        }
        session.recordArrived(mainType: mainType, level: header.driLevel, now: now, into: &output)
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s).lowercased()
    }
}
