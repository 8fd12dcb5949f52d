import BedsideModel

/// Imports the timestamped serial logs recorded from Philips IntelliVue monitors (MIB/RS232, as
/// written by the DocBox/DICES driver): a 23-byte ASCII time stamp `YYYY/MM/DDThh:mm:ss,mmm`
/// immediately followed by one complete raw frame (`0xC0 … 0xC1`, escaped, with FCS), repeated.
/// Only the monitor's side is logged, so every frame becomes an `rx` chunk at its logged time.
///
/// The log carries no time zone. The import reads the stamps as UTC and says so in the capture
/// note; the frames are kept byte for byte (the importer checks the log's structure — stamp, frame
/// start, frame end — not FCS or content: the driver's frame layer does).
public enum IntelliVueSerialLog {
    /// Length of the ASCII time stamp that precedes each frame.
    public static let stampLength = 23
    /// The longest logged frame accepted, escapes included. The MIB limit is about 1 KiB
    /// unescaped (at most twice that escaped); anything far longer is bytes whose end was lost.
    public static let maximumFrameLength = 16 * 1024

    public enum ImportError: Error, Equatable, CustomStringConvertible {
        /// The bytes at `offset` are not a `YYYY/MM/DDThh:mm:ss,mmm` stamp.
        case badTimestamp(offset: Int)
        /// No frame start (0xC0) right after the stamp at `offset`.
        case missingFrameStart(offset: Int)
        /// The last frame has no end (0xC1): the log was cut while writing.
        case unterminatedFrame(offset: Int)
        /// The file holds no frame at all.
        case empty
        /// A new frame starts (0xC0) before the frame at `offset` ends: its end was lost.
        case interruptedFrame(offset: Int)
        /// The frame at `offset` runs past ``IntelliVueSerialLog/maximumFrameLength`` without an end.
        case oversizeFrame(offset: Int)
        /// The frame at `offset` is complete but its FCS does not check: bytes in it were changed or lost.
        case badFrameCheckSequence(offset: Int)

        /// What was wrong, without the offset (a skipped range names its bytes itself).
        public var shortReason: String {
            switch self {
            case .badTimestamp: "no YYYY/MM/DDThh:mm:ss,mmm time stamp"
            case .missingFrameStart: "time stamp not followed by a frame start (0xC0)"
            case .unterminatedFrame: "frame without an end (0xC1)"
            case .empty: "no frames"
            case .interruptedFrame: "frame interrupted by the next frame start (0xC0)"
            case .badFrameCheckSequence: "frame check sequence (FCS) mismatch"
            case .oversizeFrame: "frame longer than \(IntelliVueSerialLog.maximumFrameLength) bytes without an end (0xC1)"
            }
        }

        public var description: String {
            switch self {
            case .badTimestamp(let o):
                "IntelliVue serial log: no YYYY/MM/DDThh:mm:ss,mmm time stamp at byte \(o); is this a DICES serial log?"
            case .missingFrameStart(let o): "IntelliVue serial log: time stamp at byte \(o) is not followed by a frame (0xC0)"
            case .unterminatedFrame(let o): "IntelliVue serial log: frame at byte \(o) has no end (0xC1); the log is truncated"
            case .empty: "IntelliVue serial log: the file holds no frames"
            case .interruptedFrame(let o): "IntelliVue serial log: frame at byte \(o) is interrupted by the next frame start (0xC0); its end was lost"
            case .badFrameCheckSequence(let o): "IntelliVue serial log: frame at byte \(o) fails its frame check sequence (FCS); bytes in it were changed or lost"
            case .oversizeFrame(let o):
                "IntelliVue serial log: frame at byte \(o) runs past \(IntelliVueSerialLog.maximumFrameLength) bytes without an end (0xC1)"
            }
        }
    }

    /// Whether `prefix` (the first bytes of a file, at least 24) starts like such a log.
    public static func looksLikeLog(_ prefix: [UInt8]) -> Bool {
        prefix.count > stampLength && parseStamp(prefix, at: 0) != nil && prefix[stampLength] == 0xc0
    }

    /// Converts a log in memory into a ``Capture`` (driver `intellivue`, 115200 8N1, one `rx`
    /// chunk per frame). `source` names the file (kept as the capture's port). Entries whose
    /// structure is damaged or cut short are left out; frames are kept without checking their FCS
    /// (the driver does). ``IntelliVueSerialLogReader`` streams a file, checks FCS and reports
    /// what it skipped.
    ///
    /// - Throws: ``ImportError`` when no frame at all can be read (the first problem met).
    public static func importLog(_ bytes: [UInt8], source: String) throws -> Capture {
        let reader = try IntelliVueSerialLogReader(input: CaptureInput(bytes: bytes, name: source), source: source,
                                               checkFrames: false)
        var chunks: [CaptureChunk] = []
        while let chunk = try reader.next() { chunks.append(chunk) }
        var header = reader.header
        header.note = note(frames: chunks.count)
        return Capture(header: header, chunks: chunks)
    }

    /// The header of an imported log; the first frame's stamp is the start time.
    static func header(source: String, startTime: Timestamp, note: String = IntelliVueSerialLog.note(frames: nil)) -> CaptureHeader {
        CaptureHeader(driver: "intellivue", serialSettings: SerialSettings(baudRate: 115_200), port: source,
                      device: DeviceIdentity(driver: "intellivue", vendor: "Philips"), startTime: startTime, note: note)
    }

    static func note(frames: Int?) -> String {
        "Imported from an IntelliVue MIB/RS232 serial log (\(frames.map { "\($0) frames, " } ?? "")monitor → host only). "
            + "The log's time stamps have no time zone; they were read as UTC."
    }

    /// `YYYY/MM/DDThh:mm:ss,mmm` at `at`, read as UTC.
    static func parseStamp(_ b: [UInt8], at: Int) -> Timestamp? {
        b.withUnsafeBytes { parseStamp($0, at: at) }
    }

    /// `YYYY/MM/DDThh:mm:ss,mmm` at `at`, read as UTC.
    static func parseStamp(_ b: UnsafeRawBufferPointer, at: Int) -> Timestamp? {
        guard at + stampLength <= b.count else { return nil }
        func num(_ o: Int, _ n: Int) -> Int64? {
            var v: Int64 = 0
            for k in (at + o)..<(at + o + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            return v
        }
        guard b[at + 4] == UInt8(ascii: "/"), b[at + 7] == UInt8(ascii: "/"), b[at + 10] == UInt8(ascii: "T"),
              b[at + 13] == UInt8(ascii: ":"), b[at + 16] == UInt8(ascii: ":"), b[at + 19] == UInt8(ascii: ","),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), let ms = num(20, 3), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61,
              // A timestamp holds 1678…2261 (nanoseconds in 64 bits); a damaged year outside is not a stamp.
              (1678...2261).contains(y)
        else { return nil }
        let days = Timestamp.days(fromCivil: y, mo, d)
        return Timestamp(secondsSinceEpoch: days * 86_400 + h * 3600 + mi * 60 + s, nanoseconds: ms * 1_000_000)
    }
}
