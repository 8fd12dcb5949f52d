import BedsideModel

/// Fixed facts of the GE Datex-Ohmeda S/5 computer interface ("DRI") wire format.
///
/// All multi-byte fields are little-endian. See `Protocols/ge-datex/README.md` for the sources.
public enum GEDatexWire {
    /// Frame delimiter.
    public static let flag: UInt8 = 0x7E
    /// Escape byte: the next byte is XOR 0x20.
    public static let escape: UInt8 = 0x7D
    /// XOR applied to an escaped byte.
    public static let escapeMask: UInt8 = 0x20
    /// Size of the record header (`r_len` … `sr_desc[8]`).
    public static let headerLength = 40
    /// Smallest acceptable unstuffed frame: a header, at least one data byte… in practice, header plus checksum.
    public static let minimumFrameLength = 41
    /// Number of subrecord descriptors in the header.
    public static let maximumSubrecords = 8
    /// Subrecord type that ends the descriptor list.
    public static let subrecordListEnd: UInt8 = 0xFF
    /// Size of one PHDB subrecord: `u32 time` + 270-byte class body + marker + reserved + `cl_drilvl_subt`.
    public static let phdbSubrecordLength = 278
    /// PHDB subrecord type of the auxiliary subrecord (NIBP/CO/PCWP measurement times, BSA).
    public static let phdbAuxType: UInt8 = 4
    /// Size of the auxiliary subrecord: `u32 nibp_time, i16, u32 co_time, u32 pcwp_time, i16 bsa`, 98 reserved.
    public static let phdbAuxLength = 114
    /// Size of the class body inside a PHDB subrecord.
    public static let phdbClassBodyLength = 270
    /// Values at or below this are control codes, not measurements.
    public static let controlCodeLimit: Int16 = -32001
}

/// `r_maintype`: what a record carries.
public enum GEDatexMainType: Int16, Sendable, CaseIterable {
    /// Physiological database (numerics).
    case physiological = 0
    /// Waveform samples.
    case waveform = 1
    /// Alarm status.
    case alarm = 4
    /// Network-interface management (not used on the serial interface).
    case network = 5
    /// Anaesthesia record keeping ("FO").
    case anaesthesiaRecord = 8
}

/// The GE control codes that replace a value (any `Int16` ≤ −32001), and what they mean for the feed.
public enum GEDatexControlCode: Int16, Sendable, CaseIterable {
    case noValidData = -32767
    case notUpdated = -32766
    case discontinuity = -32765
    case underRange = -32764
    case overRange = -32763
    case notCalibrated = -32762

    /// Whether `raw` is a control code rather than a measurement.
    @inline(__always)
    public static func isControl(_ raw: Int16) -> Bool { raw <= GEDatexWire.controlCodeLimit }

    /// The feed state a control code stands for; unknown codes ≤ −32001 are `invalid`.
    public static func state(for raw: Int16) -> MeasurementState {
        switch GEDatexControlCode(rawValue: raw) {
        case .noValidData: .absent
        case .notUpdated: .stale
        case .discontinuity: .invalid
        case .underRange: .underRange
        case .overRange: .overRange
        case .notCalibrated: .invalid
        case nil: .invalid
        }
    }

    /// Human-readable reason naming the GE code, e.g. `GE control code -32767: no valid data`.
    public static func reason(for raw: Int16) -> String {
        switch GEDatexControlCode(rawValue: raw) {
        case .noValidData: "GE control code -32767: no valid data"
        case .notUpdated: "GE control code -32766: data not updated"
        case .discontinuity: "GE control code -32765: discontinuity (e.g. calibration)"
        case .underRange: "GE control code -32764: under range"
        case .overRange: "GE control code -32763: over range"
        case .notCalibrated: "GE control code -32762: not calibrated"
        case nil: "GE control code \(raw): reserved (not a measurement)"
        }
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func geInt16(_ offset: Int) -> Int16 {
        Int16(littleEndian: loadUnaligned(fromByteOffset: offset, as: Int16.self))
    }
    @inline(__always) func geUInt16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inline(__always) func geUInt32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE(_ v: Int16) { appendLE(UInt16(bitPattern: v)) }
    mutating func appendLE(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func appendLE(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func storeLE(_ v: Int16, at offset: Int) {
        let u = UInt16(bitPattern: v)
        self[offset] = UInt8(u & 0xFF)
        self[offset + 1] = UInt8(u >> 8)
    }
    mutating func storeLE(_ v: UInt16, at offset: Int) { storeLE(Int16(bitPattern: v), at: offset) }
    mutating func storeLE(_ v: UInt32, at offset: Int) {
        storeLE(UInt16(v & 0xFFFF), at: offset)
        storeLE(UInt16(v >> 16), at: offset + 2)
    }
}
