import BedsideModel
import Glibc

/// The `.bbcap` byte layout (docs/capture-format.md is the normative description).
///
/// ```
/// preamble  magic "\x89BBCAP\r\n" (8) | version u16 LE | header length u32 LE | header text | CRC-32 u32 LE
/// record    kind u8 | time i64 LE (ns since 1970 UTC) | length u32 LE | payload | CRC-32 u32 LE
/// ```
/// All integers are little-endian. The preamble CRC covers version, length and header text; each
/// record's CRC covers kind, time, length and payload.
public enum CaptureFileFormat {
    /// `0x89 'B' 'B' 'C' 'A' 'P' '\r' '\n'`: the high byte and CR LF catch 7-bit and text-mode
    /// transfers, like PNG's signature.
    public static let magic: [UInt8] = [0x89, 0x42, 0x42, 0x43, 0x41, 0x50, 0x0D, 0x0A]
    public static let fileExtension = "bbcap"
    /// Bytes before the header text: magic, version, header length.
    static let preambleSize = 14
    /// kind, time, length.
    static let recordHeaderSize = 13
    static let recordTrailerSize = 4
    /// Headers are small key=value text; anything larger is damage, not a header.
    static let maximumHeaderSize = 1 << 20
    /// One record holds at most this many payload bytes (a serial read is far smaller).
    public static let maximumRecordPayload = 1 << 24

    /// Record kinds. 0x00–0x7F must be understood by a reader (an unknown one is an error: the file
    /// is from a newer writer); 0x80–0xFF are optional extensions a reader skips.
    enum RecordKind: UInt8 {
        case rx = 0x01
        case tx = 0x02

        static let firstOptional: UInt8 = 0x80
        /// Optional: a line-control action the bridge took on the port (DTR/RTS, BREAK, a speed
        /// change), its payload a short UTF-8 text such as `DTR on`. Readers that do not know it
        /// skip it; a replay needs none of them, since a pty carries none.
        static let lineControl: UInt8 = 0x81

        init(_ direction: CaptureChunk.Direction) {
            self = direction == .rx ? .rx : .tx
        }

        var direction: CaptureChunk.Direction { self == .rx ? .rx : .tx }
    }

    // MARK: Encoding

    /// The complete preamble + header + CRC for `header`.
    static func encodeHeader(_ header: CaptureHeader) -> [UInt8] {
        let text = CaptureHeaderText.encode(header)
        var out = magic
        out.reserveCapacity(preambleSize + text.count + 4)
        appendLittleEndian(UInt16(CaptureHeader.currentFormatVersion), to: &out)
        appendLittleEndian(UInt32(text.count), to: &out)
        out += text
        let crc = out[magic.count...].withUnsafeBytes { CRC32.update(0, $0) }
        appendLittleEndian(crc, to: &out)
        return out
    }

    static func appendRecord(kind: UInt8, time: Timestamp, payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let start = out.count
        out.append(kind)
        appendLittleEndian(UInt64(bitPattern: time.nanosecondsSinceEpoch), to: &out)
        appendLittleEndian(UInt32(payload.count), to: &out)
        out.append(contentsOf: payload)
        let crc = out.withUnsafeBytes { CRC32.update(0, UnsafeRawBufferPointer(rebasing: $0[start...])) }
        appendLittleEndian(crc, to: &out)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    // MARK: Decoding

    /// Result of parsing the preamble from the first bytes of a file.
    enum HeaderParse {
        case header(CaptureHeader, size: Int)
        /// Need at least this many bytes to decide.
        case needMore(Int)
    }

    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws(CaptureError) -> HeaderParse {
        guard bytes.count >= preambleSize else {
            if !bytes.elementsEqual(magic.prefix(bytes.count)) { throw .notACapture(path: path) }
            return .needMore(preambleSize)
        }
        guard bytes.prefix(magic.count).elementsEqual(magic) else { throw .notACapture(path: path) }
        let version = Int(load(UInt16.self, bytes, at: 8))
        let textLength = Int(load(UInt32.self, bytes, at: 10))
        guard textLength <= maximumHeaderSize else {
            throw .corruptHeader(path: path, reason: "header length \(textLength) is implausible")
        }
        let total = preambleSize + textLength + 4
        guard bytes.count >= total else { return .needMore(total) }
        let stored = load(UInt32.self, bytes, at: preambleSize + textLength)
        let computed = CRC32.update(0, UnsafeRawBufferPointer(rebasing: bytes[8..<(preambleSize + textLength)]))
        guard stored == computed else {
            throw .corruptHeader(path: path, reason: "header checksum mismatch")
        }
        // Only after the checksum: a damaged version field must not be reported as "newer".
        guard version >= 1, version <= CaptureHeader.currentFormatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: CaptureHeader.currentFormatVersion)
        }
        let text = UnsafeRawBufferPointer(rebasing: bytes[preambleSize..<(preambleSize + textLength)])
        var header = try CaptureHeaderText.decode(text, path: path)
        header.formatVersion = version
        return .header(header, size: total)
    }

    /// One step of the record parser.
    enum RecordParse {
        /// A valid record: its kind, time, payload range (relative to the buffer) and total size.
        case record(kind: UInt8, time: Timestamp, payload: Range<Int>, size: Int)
        /// The buffer ends inside a record; more bytes may complete it.
        case needMore(Int)
        /// Not a valid record (damage or a torn write).
        case invalid(String)
    }

    /// Parses the record starting at `offset` in `bytes`.
    @inline(__always)
    static func parseRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> RecordParse {
        let available = bytes.count - offset
        guard available >= recordHeaderSize else { return .needMore(recordHeaderSize) }
        let kind = bytes[offset]
        let length = Int(load(UInt32.self, bytes, at: offset + 9))
        guard length <= maximumRecordPayload else { return .invalid("record length \(length) is implausible") }
        let size = recordHeaderSize + length + recordTrailerSize
        guard available >= size else { return .needMore(size) }
        let stored = load(UInt32.self, bytes, at: offset + recordHeaderSize + length)
        let computed = CRC32.update(0, UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + recordHeaderSize + length)]))
        guard stored == computed else { return .invalid("record checksum mismatch") }
        let time = Timestamp(nanosecondsSinceEpoch: Int64(bitPattern: load(UInt64.self, bytes, at: offset + 1)))
        let payloadStart = offset + recordHeaderSize
        return .record(kind: kind, time: time, payload: payloadStart..<(payloadStart + length), size: size)
    }

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
