/// Lays out device-side records (PHDB subrecords and WAVE records) for the simulator and tests.
/// Field positions come from the same mapping tables the driver reads, which the golden tests
/// check against real monitor captures.
struct GEDatexClassBodyBuilder {
    /// "group.field" → offset, and group → header offset, per class.
    private struct Layout {
        var fields: [String: Int] = [:]
        var headers: [String: Int] = [:]
        var allFieldOffsets: [Int] = []
    }

    private static let layouts: [Layout] = GEDatexTables.shared.fields.map { specs in
        var l = Layout()
        for s in specs {
            l.fields["\(s.group).\(s.field)"] = s.offset
            l.headers[s.group] = s.header
            l.allFieldOffsets.append(s.offset)
        }
        return l
    }

    let phdbClass: GEDatexClass
    private(set) var body: [UInt8]

    /// A class body in which every known group is absent (status 0) and every field says
    /// "no valid data" (−32767).
    init(_ cls: GEDatexClass) {
        phdbClass = cls
        body = [UInt8](repeating: 0, count: GEDatexWire.phdbClassBodyLength)
        for offset in Self.layouts[cls.rawValue].allFieldOffsets {
            body.storeLE(GEDatexControlCode.noValidData.rawValue, at: offset)
        }
    }

    /// Sets a group's status word and label.
    mutating func header(_ group: String, status: UInt32, label: UInt16) {
        guard let at = Self.layouts[phdbClass.rawValue].headers[group] else {
            preconditionFailure("no group \(group) in \(phdbClass.name)")
        }
        body.storeLE(status, at: at)
        body.storeLE(label, at: at + 4)
    }

    /// Sets one field's raw value.
    mutating func set(_ group: String, _ field: String, _ raw: Int16) {
        guard let at = Self.layouts[phdbClass.rawValue].fields["\(group).\(field)"] else {
            preconditionFailure("no field \(group).\(field) in \(phdbClass.name)")
        }
        body.storeLE(raw, at: at)
    }

    /// The 278-byte subrecord: time, body, marker, reserved, `cl_drilvl_subt`.
    func subrecord(time: UInt32, driLevel: UInt8, marker: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(GEDatexWire.phdbSubrecordLength)
        out.appendLE(time)
        out.append(contentsOf: body)
        out.append(marker)
        out.append(0)
        out.appendLE(UInt16(phdbClass.rawValue) << 8 | UInt16(driLevel & 0xF) << 4 | 1)
        return out
    }
}

enum GEDatexRecordBuilder {
    /// A PHDB record of displayed-value subrecords laid out back to back.
    static func phdb(subrecords: [[UInt8]], number: UInt8, driLevel: UInt8, time: UInt32) -> [UInt8] {
        var descriptors: [GEDatexSubrecordDescriptor] = []
        var body: [UInt8] = []
        for s in subrecords.prefix(GEDatexWire.maximumSubrecords) {
            descriptors.append(GEDatexSubrecordDescriptor(offset: body.count, type: 1))
            body += s
        }
        let header = GEDatexRecordHeader(length: GEDatexWire.headerLength + body.count, number: number, driLevel: driLevel,
                                         time: time, mainTypeCode: GEDatexMainType.physiological.rawValue,
                                         subrecords: descriptors)
        return header.bytes + body
    }

    /// A WAVE record: per wave `act_len`, status, label, samples.
    static func waveform(_ waves: [(id: UInt8, samples: [Int16])], number: UInt8, driLevel: UInt8, time: UInt32) -> [UInt8] {
        var descriptors: [GEDatexSubrecordDescriptor] = []
        var body: [UInt8] = []
        for w in waves.prefix(GEDatexWire.maximumSubrecords) {
            descriptors.append(GEDatexSubrecordDescriptor(offset: body.count, type: w.id))
            body.appendLE(Int16(w.samples.count))
            body.appendLE(UInt16(0))
            body.appendLE(UInt16(0))
            for s in w.samples { body.appendLE(s) }
        }
        let header = GEDatexRecordHeader(length: GEDatexWire.headerLength + body.count, number: number, driLevel: driLevel,
                                         time: time, mainTypeCode: GEDatexMainType.waveform.rawValue,
                                         subrecords: descriptors)
        return header.bytes + body
    }
}
