/// Finds where valid `.bbcap` records start again after a record that does not check.
///
/// A candidate position must hold a record whose kind is one a reader may meet (rx, tx or an
/// optional extension), whose length is plausible, whose CRC-32 matches, and which is followed by
/// another valid record or by the end of the file: one matching CRC alone could be chance in a
/// long run of damage, two in a row are not. Cheap tests (kind, length, the following record's
/// kind and length) come before any CRC, so scanning costs a few operations per byte: 200 MB of
/// zeros or noise scan in seconds, and memory stays one buffer.
struct CaptureResync {
    enum Verdict {
        case accept
        case reject
        case needMore(Int)
    }

    /// Consumes the damaged bytes from the read position of `input` up to the next confirmed
    /// record (left unconsumed) or the end of the input, and describes them.
    ///
    /// - Parameter startsIncomplete: the bad record is incomplete at the end of the input.
    mutating func skip(_ input: CaptureInput, reason: String, startsIncomplete: Bool) throws(CaptureError) -> CaptureWarning {
        let damageStart = input.offset
        // Where the bad record ends by its own length field: zeros from there to the end of the
        // file are what a power loss leaves after a torn last write, i.e. cut short, not damage.
        var claimedEnd: Int64?
        if input.available >= CaptureFileFormat.recordHeaderSize {
            let length = input.withAvailableBytes { CaptureFileFormat.load(UInt32.self, $0, at: 9) }
            if Int(length) <= CaptureFileFormat.maximumRecordPayload {
                claimedEnd = damageStart + Int64(CaptureFileFormat.recordHeaderSize + Int(length) + CaptureFileFormat.recordTrailerSize)
            }
        }
        var lastNonZero: Int64 = -1
        if input.byte(at: 0) != 0 { lastNonZero = input.offset }
        input.consume(1)

        while true {
            if input.available < CaptureFileFormat.recordHeaderSize {
                if !input.atEnd {
                    try input.fill(atLeast: CaptureFileFormat.recordHeaderSize)
                    continue
                }
                // Fewer bytes than a record header before the end: nothing valid can follow.
                for i in 0..<input.available where input.byte(at: i) != 0 { lastNonZero = input.offset + Int64(i) }
                input.consume(input.available)
                let end = input.offset
                let zerosAfter = claimedEnd.map { $0 < end && lastNonZero < $0 } ?? false
                let cutShort = startsIncomplete || zerosAfter
                return CaptureWarning(
                    path: input.name, offset: damageStart, bytes: end - damageStart, cause: cutShort ? .cutShort : .damaged,
                    reason: zerosAfter && !startsIncomplete ? "\(reason), then zeros to the end of the file" : reason)
            }
            // Skip positions that cannot start a record, a tight loop over the buffer.
            let (skipped, nonZero) = input.withAvailableBytes(Self.positionsBeforePlausibleStart)
            if let nonZero { lastNonZero = input.offset + Int64(nonZero) }
            if skipped > 0 {
                input.consume(skipped)
                continue
            }
            switch Self.candidate(input) {
            case .accept:
                return CaptureWarning(path: input.name, offset: damageStart, bytes: input.offset - damageStart,
                                      cause: .damaged, reason: reason)
            case .reject:
                if input.byte(at: 0) != 0 { lastNonZero = input.offset }
                input.consume(1)
            case .needMore(let n):
                try input.fill(atLeast: n)
            }
        }
    }

    /// How many leading positions of `bytes` cannot start a record (kind and length checks only),
    /// stopping where fewer than a record header remain; and the index of the last non-zero
    /// byte among them.
    static func positionsBeforePlausibleStart(_ bytes: UnsafeRawBufferPointer) -> (Int, Int?) {
        let header = CaptureFileFormat.recordHeaderSize
        var i = 0
        var nonZero: Int?
        while i + header <= bytes.count {
            let kind = bytes[i]
            if isPlausibleKind(kind) && isPlausibleLength(bytes, at: i) { break }
            if kind != 0 { nonZero = i }
            i += 1
        }
        return (i, nonZero)
    }

    @inline(__always)
    static func isPlausibleKind(_ kind: UInt8) -> Bool {
        kind == CaptureFileFormat.RecordKind.rx.rawValue || kind == CaptureFileFormat.RecordKind.tx.rawValue
            || kind >= CaptureFileFormat.RecordKind.firstOptional
    }

    @inline(__always)
    static func isPlausibleLength(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        Int(CaptureFileFormat.load(UInt32.self, bytes, at: offset + 9)) <= CaptureFileFormat.maximumRecordPayload
    }

    /// Whether a confirmed record starts at the read position of `input`.
    static func candidate(_ input: CaptureInput) -> Verdict {
        input.withAvailableBytes { raw in
            let header = CaptureFileFormat.recordHeaderSize
            let length = Int(CaptureFileFormat.load(UInt32.self, raw, at: 9))
            let size = header + length + CaptureFileFormat.recordTrailerSize
            let withNextHeader = size + header
            if raw.count < withNextHeader && !input.atEnd { return .needMore(withNextHeader) }
            guard raw.count >= size else { return .reject }
            if raw.count >= withNextHeader {
                guard isPlausibleKind(raw[size]), isPlausibleLength(raw, at: size) else { return .reject }
            }
            guard case .record = CaptureFileFormat.parseRecord(raw, at: 0) else { return .reject }
            if raw.count == size { return .accept }
            switch CaptureFileFormat.parseRecord(raw, at: size) {
            case .record: return .accept
            case .invalid: return .reject
            case .needMore(let n):
                // The file ends inside the following record: that tail is reported on its own.
                return input.atEnd ? .accept : .needMore(size + n)
            }
        }
    }
}
