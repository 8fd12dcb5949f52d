import BedsideDriver
import BedsideModel

/// Decodes ALARM (maintype 4, subrecord type 1, `dri_al_msg`) records into alarm events.
///
/// Only the alarm *texts* are treated as solid: five display boxes, each starting with a
/// NUL-terminated Latin-1 text of up to 80 bytes. The box stride (100 bytes after a 10-byte
/// preamble) is the layout that fits real recordings best; the colour field's width and offset
/// are not pinned down publicly, so category and priority are reported as `unknown` and the raw
/// colour word is kept in the vendor code. The monitor sends no alarm codes, so the text identifies
/// the condition: ``AlarmLifecycle`` turns each complete list into start / update / end phases with
/// a stable alarm id, and ``endAll(reason:hostTime:into:)`` closes them when the link is lost.
struct GEDatexAlarmDecoder: Sendable {
    var activeCount: Int { lifecycle.activeCount }
    static let preambleLength = 10
    static let boxStride = 100
    static let boxCount = 5
    static let textLength = 80
    /// Offset of the colour word inside a box, assuming 16-bit bool/enum fields (unverified).
    static let colourOffset = 82

    private var lifecycle = AlarmLifecycle()

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
            var present: [AlarmLifecycle.Present] = []
            var seen = Set<String>()
            for box in 0..<Self.boxCount {
                let at = start + Self.preambleLength + box * Self.boxStride
                var text = ""
                var k = 0
                while k < Self.textLength, record[at + k] != 0 {
                    text.unicodeScalars.append(Unicode.Scalar(record[at + k]))  // Latin-1
                    k += 1
                }
                let trimmed = text.trimmingCharacters()
                guard !trimmed.isEmpty, seen.insert(trimmed).inserted else { continue }
                let colour = record.geInt16(at + Self.colourOffset)
                present.append(AlarmLifecycle.Present(key: "ge:alarm:\(trimmed)", category: .unknown, priority: .unknown,
                                                      text: trimmed, vendorCode: "ge:alarm.colour=\(colour)"))
            }
            lifecycle.update(present: present, deviceTime: deviceTime, hostTime: hostTime, into: &output.observations)
            output.count("alarm.records")
        }
    }

    /// Ends every open alarm: the bridge can no longer see the monitor's list (`reason` says why).
    mutating func endAll(reason: String, hostTime: Timestamp, into observations: inout [Observation]) {
        lifecycle.endAll(reason: reason, hostTime: hostTime, into: &observations)
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
