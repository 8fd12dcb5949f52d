import BedsideDriver
import BedsideModel

/// Nonin pulse oximeters' serial data formats 2, 7 and 8 (OEM III, Xpod, Onyx II, WristOx2, tabletop
/// units), as a sans-IO state machine (monitors.md C.1).
///
/// The oximeter streams in the format it is set to; the driver reads the one named by
/// ``formatOption``. Only with ``selectFormatOption`` on does it ever transmit: the short
/// set-data-format command `02 70 02 02 <format> 03` at start (and again, up to three times, while
/// no packet arrives), which devices that start in another format need. The device answers ACK
/// (0x06) or NAK (0x15). The short form carries no option byte, so it changes nothing but the
/// format (the long form would also set Bluetooth and spot-check power-up options).
public struct NoninDriver: DeviceDriver {
    public static let formatOption = DriverOptionSpec(
        name: "format", kind: .choice(["2", "7", "8"]),
        help: "the data format the oximeter sends: 2 (OEM III/Xpod), 7 (Onyx II, WristOx2), 8 (1 packet/s)",
        defaultValue: "7")
    public static let selectFormatOption = DriverOptionSpec(
        name: "select-format", kind: .flag,
        help: "send the set-data-format command at start (devices that start in another format)", defaultValue: "off")

    public static let descriptor = DriverDescriptor(
        name: "nonin",
        vendor: "Nonin Medical",
        summary: "Nonin pulse oximeters, serial data formats 2, 7 and 8 (listen-only unless select-format=on)",
        defaultSerialSettings: SerialSettings(baudRate: 9600),
        options: [formatOption, selectFormatOption],
        // Formats 2/7 give three packets a second, format 8 one.
        nominalUpdatePeriodNanoseconds: 1_000_000_000,
        deviceRanges: NoninTables.shared.numerics.deviceRanges,
        detection: detection)

    /// Listen only (the set-data-format command is a setting change and is never part of a
    /// probe). 4 s hear a dozen format 2/7 packets; format 8 (one unchecked packet a second) needs
    /// ten for the protocol sniffer, so a probe may call it unknown: record it and replay instead.
    public static let detection = DriverDetection(
        approach: .listen, summary: "listening for data packets", answerWithinNanoseconds: 4_000_000_000,
        // Formats 2 and 7: two packets (25 frames with an 8-bit sum each); format 8: ten packets
        // (no checksum: only the position of bit 7 and the packet length).
        sniffing: [SniffEvidence(options: ["format": "2"], framesNeeded: 2),
                   SniffEvidence(options: ["format": "7"], framesNeeded: 2),
                   SniffEvidence(options: ["format": "8"], framesNeeded: 10)])

    /// The set-data-format command, short form (monitors.md C.1).
    public static func selectFormatCommand(_ format: NoninFormat) -> [UInt8] {
        [0x02, 0x70, 0x02, 0x02, UInt8(format.rawValue), 0x03]
    }

    static let ack: UInt8 = 0x06
    static let nak: UInt8 = 0x15
    static let selectAttempts = 3

    private let configuration: DriverConfiguration
    private let format: NoninFormat
    private let selectFormat: Bool
    private var framer: NoninFramer
    private var decoder: NoninPacketDecoder
    private var link: StreamLinkWatch
    private var discarded = DiscardedBytesMeter()
    private var selectsSent = 0
    private var awaitingAnswer = false
    private var events: [NoninFramer.Event] = []

    public init(configuration: DriverConfiguration) {
        self.configuration = configuration
        format = configuration.text(Self.formatOption).flatMap(Int.init).flatMap(NoninFormat.init(rawValue:)) ?? .format7
        selectFormat = configuration.transmitEnabled && configuration.flag(Self.selectFormatOption)
        framer = NoninFramer(format: format)
        decoder = NoninPacketDecoder(tables: .shared, format: format)
        link = StreamLinkWatch(
            what: "format \(format.rawValue) packets",
            silenceTimeoutNanoseconds: format == .format8 ? 5_000_000_000 : 3_000_000_000,
            advice: "check 9600 8N1 and that the oximeter sends data format \(format.rawValue) (option format=, or select-format=on)")
    }

    public mutating func start(now: Timestamp, into output: inout DriverOutput) {
        link.start(now: now)
        if selectFormat { sendSelect(now: now, into: &output) }
        stateDeadline(&output)
    }

    private mutating func sendSelect(now: Timestamp, into output: inout DriverOutput) {
        selectsSent += 1
        awaitingAnswer = true
        output.transmit += Self.selectFormatCommand(format)
        output.count(.requestsSent)
        if selectsSent == 1 {
            output.observations.append(.link(LinkEvent(kind: .requesting, detail: "asking for data format \(format.rawValue)", hostTime: now)))
        }
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        if awaitingAnswer {
            // The answer to the set-format command comes before the stream in the new format.
            if bytes.contains(Self.nak) {
                awaitingAnswer = false
                output.count("format.refused")
                output.observations.append(.link(LinkEvent(
                    kind: .error, detail: "the oximeter refused data format \(format.rawValue) (NAK): it may not support it", hostTime: now)))
            } else if bytes.contains(Self.ack) {
                awaitingAnswer = false
                output.count("format.accepted")
            }
        }
        events.removeAll(keepingCapacity: true)
        framer.feed(bytes, into: &events)
        for e in events {
            switch e {
            case .packet(let p):
                accept(now: now, into: &output)
                decoder.decode(p, waveforms: configuration.waveformsEnabled, now: now, into: &output)
            case .format8(let p):
                accept(now: now, into: &output)
                decoder.decode(p, now: now, into: &output)
            case .checksumError:
                output.count(.checksumErrors)
                link.badFrame(now: now, into: &output)
            case .brokenPacket:
                output.count(.malformedFrames)
                output.count("packets.broken")
                link.badFrame(now: now, into: &output)
            }
        }
        discarded.report(total: framer.bytesDiscarded, into: &output)
        stateDeadline(&output)
    }

    private mutating func accept(now: Timestamp, into output: inout DriverOutput) {
        output.count(.framesAccepted)
        awaitingAnswer = false
        link.validFrame(now: now, into: &output)
    }

    public mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        let waiting = link.state == .waiting
        let before = output.observations.count
        link.tick(now: now, into: &output)
        if waiting, link.state != .waiting, selectFormat, selectsSent < Self.selectAttempts {
            // Nothing in the chosen format yet: ask again.
            sendSelect(now: now, into: &output)
            link.restartWaiting(now: now)
        }
        decoder.alerts.endAllBeforeSightLoss(in: &output.observations, from: before, what: "the oximeter's status", now: now)
        stateDeadline(&output)
    }

    public mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        let before = output.observations.count
        link.stop(now: now, into: &output)
        decoder.alerts.endAllBeforeSightLoss(in: &output.observations, from: before, what: "the oximeter's status", now: now)
    }

    private func stateDeadline(_ output: inout DriverOutput) {
        if let d = link.nextDeadline { output.wake(at: d) }
    }
}
