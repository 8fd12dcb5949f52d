import BedsideModel

/// An IntelliVue FLOAT-Type: 8-bit base-10 exponent and 24-bit two's-complement mantissa,
/// `value = mantissa × 10^exponent`, with four reserved mantissas that are not numbers.
public enum IntelliVueFloat: Hashable, Sendable {
    case value(DecimalValue)
    /// 0x7fffff: not a number.
    case notANumber
    /// 0x800000: not at this resolution.
    case notAtThisResolution
    /// 0x7ffffe
    case positiveInfinity
    /// 0x800002
    case negativeInfinity

    /// Decodes the 4 wire bytes `exponent, mantissa(3)` given as one big-endian u32.
    @inline(__always)
    public init(bits: UInt32) {
        let mantissaBits = bits & 0x00ff_ffff
        switch mantissaBits {  // specials are recognised before sign extension
        case 0x7f_ffff: self = .notANumber
        case 0x80_0000: self = .notAtThisResolution
        case 0x7f_fffe: self = .positiveInfinity
        case 0x80_0002: self = .negativeInfinity
        default:
            let mantissa = Int32(bitPattern: mantissaBits << 8) >> 8
            let exponent = Int8(bitPattern: UInt8(bits >> 24))
            self = .value(DecimalValue(mantissa: Int64(mantissa), exponent: exponent))
        }
    }

    /// The encoding of a number (for the simulator); the mantissa must fit 24 bits.
    static func bits(mantissa: Int32, exponent: Int8) -> UInt32 {
        UInt32(UInt8(bitPattern: exponent)) << 24 | (UInt32(bitPattern: mantissa) & 0x00ff_ffff)
    }

    static let notANumberBits: UInt32 = 0x007f_ffff

    public var decimal: DecimalValue? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// Words for a reading's `reason`.
    var specialName: String? {
        switch self {
        case .value: nil
        case .notANumber: "NaN"
        case .notAtThisResolution: "NRes (not at this resolution)"
        case .positiveInfinity: "+INF"
        case .negativeInfinity: "-INF"
        }
    }
}
