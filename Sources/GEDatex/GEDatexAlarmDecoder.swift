import BedsideDriver
import BedsideModel

/// Decodes ALARM (maintype 4, subrecord type 1, `dri_al_msg`) records into alarm events.
///
/// Only the alarm *texts* are treated as solid: five display boxes, each starting with a
/// NUL-terminated Latin-1 text of up to 80 bytes. The box stride (100 bytes after a 10-byte
/// preamble) is the layout that fits real recordings best; the colour field's width and offset
/// are not pinned down publicly, so priority is reported as `unknown` and the raw colour word is
/// kept in the vendor code. Lifecycle: a text that appears is `active`; one that disappears from
/// the next alarm record is `cleared`.
struct GEDatexAlarmDecoder: Sendable {
    static let preambleLength = 10
    static let boxStride = 100
    static let boxCount = 5
    static let textLength = 80
    /// Offset of the colour word inside a box, assuming 16-bit bool/enum fields (unverified).
    static let colourOffset = 82

    private var active: [String: String] = [:]  // text → vendor code

    mutating func decode(record: UnsafeRawBufferPointer, header: GEDatexRecordHeader, hostTime: Timestamp,
                         zone: any DeviceTimeZone, into output: inout DriverOutput) {
        let deviceTime = header.deviceTime(in: zone)
        for descriptor in header.subrecords where descriptor.type == 1 {
            let start = GEDatexWire.headerLength + descriptor.offset
            let needed = Self.preambleLength + Self.boxCount * Self.boxStride
            guard descriptor.offset >= 0, start + needed <= record.count else {
                output.count("alarm.subrecords-out-of-bounds")
                continue
            }
            var current: [String: String] = [:]
            var order: [String] = []
            for box in 0..<Self.boxCount {
                let at = start + Self.preambleLength + box * Self.boxStride
                var text = ""
                var k = 0
                while k < Self.textLength, record[at + k] != 0 {
                    text.unicodeScalars.append(Unicode.Scalar(record[at + k]))  // Latin-1
                    k += 1
                }
                let trimmed = text.trimmingCharacters()
                guard !trimmed.isEmpty, current[trimmed] == nil else { continue }
                let colour = record.geInt16(at + Self.colourOffset)
                current[trimmed] = "ge:alarm.colour=\(colour)"
                order.append(trimmed)
            }
            for text in order where active[text] == nil {
                output.observations.append(.alarm(AlarmEvent(
                    alarmId: "ge:\(text)", phase: .start, category: .unknown, priority: .unknown, text: text, vendorCode: current[text],
                    deviceTime: deviceTime, hostTime: hostTime)))
            }
            for (text, code) in active.sorted(by: { $0.key < $1.key }) where current[text] == nil {
                output.observations.append(.alarm(AlarmEvent(
                    alarmId: "ge:\(text)", phase: .end, category: .unknown, priority: .unknown, text: text, vendorCode: code,
                    deviceTime: deviceTime, hostTime: hostTime)))
            }
            active = current
            output.count("alarm.records")
        }
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}
