import BedsideDriver
import BedsideModel

/// Structural checks on a record that passed framing, length and checksum.
///
/// GE's checksum is an 8-bit sum: flips that cancel in the sum (two flips of one bit position in
/// opposite directions) pass it, so a noisy line lets a damaged record through about once in 256.
/// Everything the protocol fixes is checked before any value is read (facts in monitors.md A.3,
/// A.6, A.11–A.13, confirmed on every real capture): reserved header bytes are zero; the DRI level is
/// one the protocol defines; subrecords lie back to back and fill the record exactly; a PHDB
/// subrecord has a known type and size, its `cl_drilvl_subt` names a class 0–3 once per record with
/// the record's level and the subrecord's type, and its time agrees with `r_time`.
enum GEDatexRecordCheck {
    /// Why a record was refused, as a counter name (`records.<what>`).
    struct Failure: Error, Equatable, Sendable {
        let counter: DriverCounter
    }

    /// DRI levels the protocol defines (2 = '95 … 12 = 2019); the level must also fit the 4 bits
    /// it occupies in `cl_drilvl_subt`.
    static let driLevels: ClosedRange<UInt8> = 2...15
    /// A subrecord time may differ from `r_time` by this much (captures: always equal).
    static let subrecordTimeSlackSeconds: Int64 = 2
    /// Longest plausible waveform subrecord (samples): 300 Hz × a few seconds.
    static let maximumWaveSamples = 2000
    /// Smallest alarm subrecord: preamble and five display boxes.
    static let alarmBodyLength = GEDatexAlarmDecoder.preambleLength + GEDatexAlarmDecoder.boxCount * GEDatexAlarmDecoder.boxStride

    static func check(_ record: UnsafeRawBufferPointer, header: GEDatexRecordHeader,
                      mainType: GEDatexMainType) -> Failure? {
        guard record[10] == 0, record[11] == 0, record[12] == 0, record[13] == 0 else {
            return Failure(counter: "records.reserved-not-zero")
        }
        switch mainType {
        case .physiological: return checkPHDB(record, header: header)
        case .waveform: return checkWave(record, header: header)
        case .alarm: return checkAlarm(record, header: header)
        case .network, .anaesthesiaRecord: return nil  // not decoded
        }
    }

    private static func checkPHDB(_ record: UnsafeRawBufferPointer, header: GEDatexRecordHeader) -> Failure? {
        guard driLevels.contains(header.driLevel) else { return Failure(counter: "records.bad-level") }
        guard !header.subrecords.isEmpty else { return Failure(counter: "records.bad-layout") }
        var expected = 0
        var classes: UInt8 = 0
        for d in header.subrecords {
            let length: Int
            switch d.type {
            case 1, 2, 3: length = GEDatexWire.phdbSubrecordLength
            case GEDatexWire.phdbAuxType: length = GEDatexWire.phdbAuxLength
            default: return Failure(counter: "records.bad-subrecord-type")
            }
            guard d.offset == expected else { return Failure(counter: "records.bad-layout") }
            let start = GEDatexWire.headerLength + d.offset
            guard start + length <= record.count else { return Failure(counter: "records.bad-layout") }
            if length == GEDatexWire.phdbSubrecordLength {
                let cl = record.geUInt16(start + 276)
                let cls = UInt8((cl >> 8) & 0xF)
                // Every capture has (level << 4) | type in the low byte; one spec-derived source calls
                // it reserved, so a monitor that sends zero there is accepted too.
                let low = UInt8(cl & 0xFF)
                guard cl >> 12 == 0, cls <= 3, low == (header.driLevel << 4) | d.type || low == 0 else {
                    return Failure(counter: "records.bad-class-word")
                }
                if d.type == 1 {
                    guard classes & (1 << cls) == 0 else { return Failure(counter: "records.bad-class-word") }
                    classes |= 1 << cls
                }
                let time = record.geUInt32(start)
                if time != 0, abs(Int64(time) - Int64(header.time)) > subrecordTimeSlackSeconds {
                    return Failure(counter: "records.time-mismatch")
                }
            }
            expected += length
        }
        guard GEDatexWire.headerLength + expected == record.count else { return Failure(counter: "records.bad-layout") }
        return nil
    }

    private static func checkWave(_ record: UnsafeRawBufferPointer, header: GEDatexRecordHeader) -> Failure? {
        guard driLevels.contains(header.driLevel) else { return Failure(counter: "records.bad-level") }
        guard !header.subrecords.isEmpty else { return Failure(counter: "records.bad-layout") }
        var expected = 0
        for d in header.subrecords {
            guard d.offset == expected else { return Failure(counter: "records.bad-layout") }
            let start = GEDatexWire.headerLength + d.offset
            guard start + 6 <= record.count else { return Failure(counter: "records.bad-layout") }
            let count = Int(record.geInt16(start))
            guard (0...maximumWaveSamples).contains(count) else { return Failure(counter: "records.bad-layout") }
            expected += 6 + 2 * count
        }
        guard GEDatexWire.headerLength + expected == record.count else { return Failure(counter: "records.bad-layout") }
        return nil
    }

    private static func checkAlarm(_ record: UnsafeRawBufferPointer, header: GEDatexRecordHeader) -> Failure? {
        guard driLevels.contains(header.driLevel) else { return Failure(counter: "records.bad-level") }
        guard header.subrecords.count == 1, let d = header.subrecords.first, d.type == 1, d.offset == 0,
              record.count >= GEDatexWire.headerLength + alarmBodyLength else {
            return Failure(counter: "records.bad-layout")
        }
        return nil
    }
}

/// Keeps the monitor's record time monotonic within reason.
///
/// A PHDB record's time is cross-checked against its subrecords' times, so it may move forward by
/// any amount (real captures jump ahead by hours between sessions); it may not go back by more than
/// ``backwardSlackSeconds`` (a daylight-saving fall-back is one hour). WAVE and ALARM records carry
/// no second copy of their time, so theirs must lie within the slack of the latest accepted time.
/// A clock really set to another time is accepted once ``confirmations`` records in a row agree on it.
struct GEDatexClockGuard: Sendable {
    static let backwardSlackSeconds: Int64 = 2 * 3600
    static let confirmations = 3

    private var latest: Int64?
    private var candidate: Int64?
    private var agreeing = 0

    /// Whether a record with this `r_time` is plausible; updates the guard's view of the clock.
    mutating func accept(time: UInt32, crossChecked: Bool) -> Bool {
        let t = Int64(time)
        guard let last = latest else {
            latest = t
            return true
        }
        let slack = Self.backwardSlackSeconds
        let plausible = crossChecked ? t >= last - slack : abs(t - last) <= slack
        if plausible {
            latest = max(last, t)
            candidate = nil
            agreeing = 0
            return true
        }
        if let c = candidate, abs(t - c) <= slack {
            agreeing += 1
            candidate = t
        } else {
            candidate = t
            agreeing = 1
        }
        if agreeing >= Self.confirmations {
            latest = t
            candidate = nil
            agreeing = 0
            return true
        }
        return false
    }
}
