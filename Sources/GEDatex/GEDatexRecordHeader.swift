/// One entry of the header's subrecord list.
public struct GEDatexSubrecordDescriptor: Hashable, Sendable {
    /// Offset of the subrecord from the end of the 40-byte header.
    public var offset: Int
    /// Subrecord type (PHDB: 1 displayed, 2/3 trends, 4 aux; WAVE: waveform id; ALARM: 1).
    public var type: UInt8

    public init(offset: Int, type: UInt8) {
        self.offset = offset
        self.type = type
    }
}

/// The 40-byte DRI record header.
public struct GEDatexRecordHeader: Hashable, Sendable {
    /// `r_len`: record length including the header, excluding the checksum.
    public var length: Int
    /// `r_nbr`: record counter mod 256.
    public var number: UInt8
    /// `r_dri_level`: interface level (9 = 2005, 10 = 2009, 11 = 2015, …).
    public var driLevel: UInt8
    public var plugID: UInt16
    /// `r_time`: seconds since 1970 by the monitor's clock.
    public var time: UInt32
    /// `r_maintype` as sent.
    public var mainTypeCode: Int16
    /// The descriptors before the 0xFF terminator (never entries after it: those are garbage).
    public var subrecords: GEDatexSubrecordList

    public var mainType: GEDatexMainType? { GEDatexMainType(rawValue: mainTypeCode) }

    /// Parses the header of a record (`record.count` ≥ 40). Returns `nil` when too short.
    public init?(record: UnsafeRawBufferPointer) {
        guard record.count >= GEDatexWire.headerLength else { return nil }
        length = Int(record.geInt16(0))
        number = record[2]
        driLevel = record[3]
        plugID = record.geUInt16(4)
        time = record.geUInt32(6)
        mainTypeCode = record.geInt16(14)
        var list = GEDatexSubrecordList()
        for k in 0..<GEDatexWire.maximumSubrecords {
            let at = 16 + 3 * k
            let type = record[at + 2]
            if type == GEDatexWire.subrecordListEnd { break }
            list.append(GEDatexSubrecordDescriptor(offset: Int(record.geInt16(at)), type: type))
        }
        subrecords = list
    }

    public init(length: Int, number: UInt8, driLevel: UInt8, plugID: UInt16 = 0, time: UInt32,
                mainTypeCode: Int16, subrecords: [GEDatexSubrecordDescriptor]) {
        // At most eight fit a header; more are dropped, as the wire format would.
        self.length = length
        self.number = number
        self.driLevel = driLevel
        self.plugID = plugID
        self.time = time
        self.mainTypeCode = mainTypeCode
        self.subrecords = GEDatexSubrecordList(subrecords)
    }

    /// The 40 header bytes (descriptor list terminated with 0xFF when shorter than 8).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(GEDatexWire.headerLength)
        out.appendLE(Int16(truncatingIfNeeded: length))
        out.append(number)
        out.append(driLevel)
        out.appendLE(plugID)
        out.appendLE(time)
        out.append(contentsOf: [0, 0, 0, 0])
        out.appendLE(mainTypeCode)
        for k in 0..<GEDatexWire.maximumSubrecords {
            if k < subrecords.count {
                out.appendLE(Int16(truncatingIfNeeded: subrecords[k].offset))
                out.append(subrecords[k].type)
            } else if k == subrecords.count {
                out.append(contentsOf: [0, 0, GEDatexWire.subrecordListEnd])
            } else {
                out.append(contentsOf: [0, 0, 0])
            }
        }
        return out
    }

    /// Device time of the record: `r_time`, the monitor's local wall clock, resolved in its zone.
    public func deviceTime(in zone: any DeviceTimeZone) -> DeviceTime {
        zone.resolve(localSeconds: Int64(time))
    }
}

import BedsideModel
