import BedsideModel

/// What earlier polls told us about one monitor object (keyed by context id and handle): its
/// label and, for waves, how to turn samples into physical values. Observed values usually arrive
/// without this context, so it is cached.
struct ObjectContext: Sendable {
    private(set) var label: UInt32 = 0
    private(set) var labelText: String?
    /// The raw UTF-16 bytes `labelText` was decoded from, to skip re-decoding an unchanged label.
    private(set) var labelRaw: [UInt8] = []
    /// What this object's values are, per physiological id and unit code, made once while its
    /// labels stay the same (a compound numeric such as NBP has several).
    private var descriptors: [(physio: UInt16, unitCode: UInt16, descriptor: NumericDescriptor)] = []
    var wave = WaveContext()
    /// What this object's wave is under its current labels, once made (cleared with them), and
    /// the physiological id and unit code it was made for.
    var waveDescriptor: (physio: UInt16, unitCode: UInt16, descriptor: WaveformDescriptor)?
    /// The last episodic (NBP) measurement reported for this object, so a repeat is not re-sent.
    var lastEpisode: Episode?

    /// One cuff measurement: its absolute time stamp, or its values when the monitor sent no stamp.
    struct Episode: Hashable, Sendable {
        var measuredAt: Timestamp?
        var values: [String]
    }

    static func key(context: UInt16, handle: UInt16) -> UInt32 { UInt32(context) << 16 | UInt32(handle) }

    mutating func setLabel(_ new: UInt32) {
        if new != label { descriptors.removeAll(); waveDescriptor = nil }
        label = new
    }

    mutating func setLabelText(_ text: String?, raw: [UInt8]) {
        labelRaw = raw
        if text != labelText { descriptors.removeAll(); waveDescriptor = nil }
        labelText = text
    }

    func descriptor(physio: UInt16, unitCode: UInt16) -> NumericDescriptor? {
        for entry in descriptors where entry.physio == physio && entry.unitCode == unitCode { return entry.descriptor }
        return nil
    }

    mutating func remember(_ descriptor: NumericDescriptor, physio: UInt16, unitCode: UInt16) {
        // A handful at most per object; a monitor that keeps changing units cannot grow it.
        if descriptors.count >= 16 { descriptors.removeAll() }
        descriptors.append((physio, unitCode, descriptor))
    }
}

/// Sample-array context (SaSpec, ScaleRangeSpec16, sample period, unit, fixed values).
struct WaveContext: Sendable {
    var sampleBits: UInt8 = 0
    var significantBits: UInt8 = 0
    var flags: UInt16 = 0
    var periodTicks: UInt32 = 0
    var unitCode: UInt16?
    var invalidMask: UInt16 = 0
    /// `physical = raw × scale + offset`; `nil` until a scale arrives.
    var scale: DecimalValue?
    var offset: DecimalValue = 0
    /// Set when the scale is a rounded quotient or the wave has no physical range.
    var scaleNote: String? { didSet { reasonMemo = nil } }
    /// The last segment's state bits and the reason they made together with ``scaleNote``: the
    /// same for segment after segment, and joining the two texts allocated every time.
    var reasonMemo: (bits: UInt16, reason: String?)?

    static let extendedValueRange: UInt16 = 0x1000

    var isComplete: Bool { sampleBits != 0 && periodTicks != 0 && scale != nil }

    /// The mask applied to each raw sample: the significant bits when the wave uses the extended
    /// value range (the upper bits carry markers), otherwise the whole sample.
    var sampleMask: UInt32 {
        let bits = flags & Self.extendedValueRange != 0 ? Int(significantBits) : Int(sampleBits)
        return bits >= 32 ? .max : (UInt32(1) << UInt32(bits)) - 1
    }

    /// The ScaleRangeSpec16 the scale was last derived from, as sent.
    private var scaleSpec: (lowerAbsolute: UInt32, upperAbsolute: UInt32, lowerScaled: UInt16, upperScaled: UInt16)?

    /// Derives `scale`/`offset` from a ScaleRangeSpec16 as sent (FLOAT-Type bits), unless it is the
    /// one already in force: a monitor repeats it in poll after poll, and deriving it divides
    /// decimals and writes a note.
    mutating func setScale(lowerAbsoluteBits: UInt32, upperAbsoluteBits: UInt32, lowerScaled: UInt16, upperScaled: UInt16) {
        if let spec = scaleSpec, spec.lowerAbsolute == lowerAbsoluteBits, spec.upperAbsolute == upperAbsoluteBits,
           spec.lowerScaled == lowerScaled, spec.upperScaled == upperScaled { return }
        scaleSpec = (lowerAbsoluteBits, upperAbsoluteBits, lowerScaled, upperScaled)
        setScale(lowerAbsolute: IntelliVueFloat(bits: lowerAbsoluteBits), upperAbsolute: IntelliVueFloat(bits: upperAbsoluteBits),
                 lowerScaled: lowerScaled, upperScaled: upperScaled)
    }

    /// Derives `scale`/`offset` from ScaleRangeSpec16: lower/upper physical value ↔ lower/upper scaled.
    mutating func setScale(lowerAbsolute: IntelliVueFloat, upperAbsolute: IntelliVueFloat, lowerScaled: UInt16,
                           upperScaled: UInt16) {
        guard let la = lowerAbsolute.decimal, let ua = upperAbsolute.decimal, upperScaled != lowerScaled,
              let span = DecimalArithmetic.subtract(ua, la),
              let (s, exact) = DecimalArithmetic.divide(span, by: Int64(upperScaled) - Int64(lowerScaled)),
              let shift = DecimalArithmetic.multiply(s, by: Int64(lowerScaled)),
              let off = DecimalArithmetic.subtract(la, shift)
        else {
            // No physical range (e.g. pleth): samples are relative units.
            scale = 1; offset = 0
            scaleNote = "relative wave: the monitor gives no physical range; samples are in scaled units"
            return
        }
        scale = s.normalized; offset = off.normalized
        scaleNote = exact ? nil : "scale rounded to 12 significant digits from range \(la)..\(ua) ↔ \(lowerScaled)..\(upperScaled)"
    }
}
