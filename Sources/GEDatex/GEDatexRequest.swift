/// PHDB classes a host can ask for (`phdb_class_bf`).
public struct GEDatexClassSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let basic = GEDatexClassSet(rawValue: 1 << 0)
    public static let ext1 = GEDatexClassSet(rawValue: 1 << 1)
    public static let ext2 = GEDatexClassSet(rawValue: 1 << 2)
    public static let ext3 = GEDatexClassSet(rawValue: 1 << 3)
    public static let all: GEDatexClassSet = [.basic, .ext1, .ext2, .ext3]

    /// The request's bit field: bit 0 *denies* basic, bits 1–3 ask for ext1–ext3.
    var requestBits: UInt32 {
        var bits: UInt32 = contains(.basic) ? 0 : 0x1
        if contains(.ext1) { bits |= 0x2 }
        if contains(.ext2) { bits |= 0x4 }
        if contains(.ext3) { bits |= 0x8 }
        return bits
    }
}

/// Builds host → monitor request records (unframed; wrap them with ``GEDatexFrameEncoder``).
///
/// Every request is a 40-byte header with `sr_desc[0] = {offset 0, type 0}` and the list ended at
/// `sr_desc[1]`, followed by the body.
public enum GEDatexRequest {
    /// Waveform command (`req_type`).
    public enum WaveformCommand: Int16, Sendable {
        case startContinuous = 0
        case stop = 1
    }

    /// Alarm command.
    public enum AlarmCommand: Int16, Sendable {
        /// Send the alarm status once.
        case transmitOnce = 0
        /// Send the alarm status whenever it changes.
        case enterDifferentialMode = 2
        case exitDifferentialMode = 3
    }

    /// Displayed values every `intervalSeconds` (0 stops; −1 asks for one transmission).
    public static func displayedValues(intervalSeconds: Int16, classes: GEDatexClassSet, driLevel: UInt8,
                                       time: UInt32 = 0) -> [UInt8] {
        var body: [UInt8] = [1]  // phdb_rcrd_type: displayed values
        body.appendLE(intervalSeconds)
        body.appendLE(classes.requestBits)
        body.appendLE(Int16(0))
        return record(mainType: .physiological, driLevel: driLevel, time: time, body: body)
    }

    /// Stops displayed values: interval 0, no classes.
    public static func stopDisplayedValues(driLevel: UInt8, time: UInt32 = 0) -> [UInt8] {
        var body: [UInt8] = [1]
        body.appendLE(Int16(0))
        body.appendLE(UInt32(0))
        body.appendLE(Int16(0))
        return record(mainType: .physiological, driLevel: driLevel, time: time, body: body)
    }

    /// Starts or stops waveforms (32-byte body: command, reserved, 8 ids ended by 0xFF, 10 reserved words).
    public static func waveforms(_ command: WaveformCommand, ids: [UInt8], driLevel: UInt8, time: UInt32 = 0) -> [UInt8] {
        var body: [UInt8] = []
        body.appendLE(command.rawValue)
        body.appendLE(Int16(0))
        let list = Array(ids.prefix(7))  // at most 7 ids so the 0xFF terminator always fits
        for k in 0..<8 {
            body.append(k < list.count ? list[k] : (k == list.count ? GEDatexWire.subrecordListEnd : 0))
        }
        body.append(contentsOf: [UInt8](repeating: 0, count: 20))
        return record(mainType: .waveform, driLevel: driLevel, time: time, body: body)
    }

    /// Alarm status request (16-bit command, 5 reserved words). The command width is unverified.
    public static func alarms(_ command: AlarmCommand, driLevel: UInt8, time: UInt32 = 0) -> [UInt8] {
        var body: [UInt8] = []
        body.appendLE(command.rawValue)
        body.append(contentsOf: [UInt8](repeating: 0, count: 10))
        return record(mainType: .alarm, driLevel: driLevel, time: time, body: body)
    }

    static func record(mainType: GEDatexMainType, driLevel: UInt8, time: UInt32, body: [UInt8]) -> [UInt8] {
        let header = GEDatexRecordHeader(length: GEDatexWire.headerLength + body.count, number: 0, driLevel: driLevel,
                                         time: time, mainTypeCode: mainType.rawValue,
                                         subrecords: [GEDatexSubrecordDescriptor(offset: 0, type: 0)])
        return header.bytes + body
    }
}
