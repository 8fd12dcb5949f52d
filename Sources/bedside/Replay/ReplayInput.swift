import BedsideCapture
import BedsideModel

/// Turns a file into capture chunks for an offline replay, by its content.
enum ReplayInput {
    enum Kind: String {
        /// Device → host bytes with no timing (what most logging tools save).
        case raw = "raw rx-only dump"
        /// Philips IntelliVue serial log: `YYYY/MM/DDThh:mm:ss,mmm` then one frame, repeated.
        case intelliVueLog = "IntelliVue serial log"
    }

    static func detect(_ bytes: [UInt8]) -> Kind {
        intelliVueStamp(bytes, at: 0) != nil && bytes.count > 23 && bytes[23] == 0xC0 ? .intelliVueLog : .raw
    }

    /// A raw dump as chunks of `chunkSize` bytes. It carries no timing, so host times are made
    /// up deterministically: from `base`, each byte taking its nominal time on the line.
    static func rawChunks(_ bytes: [UInt8], settings: SerialSettings, base: Timestamp, chunkSize: Int = 4096)
        -> [CaptureChunk]
    {
        let bitsPerByte = Int64(1 + settings.dataBits + (settings.parity == .none ? 0 : 1) + settings.stopBits)
        let nanosecondsPerByte = bitsPerByte * 1_000_000_000 / Int64(max(1, settings.baudRate))
        var chunks: [CaptureChunk] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            chunks.append(CaptureChunk(time: base.adding(nanoseconds: Int64(end) * nanosecondsPerByte), direction: .rx,
                                       bytes: Array(bytes[offset..<end])))
            offset = end
        }
        return chunks
    }

    struct LogError: Error, CustomStringConvertible {
        var offset: Int
        var description: String {
            "not a well-formed IntelliVue serial log at byte \(offset) (expected a YYYY/MM/DDThh:mm:ss,mmm stamp then a C0…C1 frame); replay it with --raw to decode the bytes as they are"
        }
    }

    /// Each stamped frame of an IntelliVue log as one rx chunk. The stamps are the recording
    /// host's local time with no zone; they are taken as UTC.
    static func intelliVueLogChunks(_ bytes: [UInt8]) throws -> [CaptureChunk] {
        var chunks: [CaptureChunk] = []
        var i = 0
        while i < bytes.count {
            guard let time = intelliVueStamp(bytes, at: i), i + 23 < bytes.count, bytes[i + 23] == 0xC0,
                  let end = bytes[(i + 24)...].firstIndex(of: 0xC1)
            else { throw LogError(offset: i) }
            chunks.append(CaptureChunk(time: time, direction: .rx, bytes: Array(bytes[(i + 23)...end])))
            i = end + 1
        }
        return chunks
    }

    /// Parses `YYYY/MM/DDThh:mm:ss,mmm` at `i`.
    static func intelliVueStamp(_ b: [UInt8], at i: Int) -> Timestamp? {
        guard i + 23 <= b.count, b[i + 4] == UInt8(ascii: "/"), b[i + 7] == UInt8(ascii: "/"),
              b[i + 10] == UInt8(ascii: "T"), b[i + 13] == UInt8(ascii: ":"), b[i + 16] == UInt8(ascii: ":"),
              b[i + 19] == UInt8(ascii: ",")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for k in from..<(from + count) {
                guard (48...57).contains(b[i + k]) else { return nil }
                v = v * 10 + Int64(b[i + k] - 48)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
              let mi = number(14, 2), let s = number(17, 2), let ms = number(20, 3),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        let days = Timestamp.days(fromCivil: y, mo, d)
        return Timestamp(secondsSinceEpoch: days * 86_400 + h * 3600 + mi * 60 + s, nanoseconds: ms * 1_000_000)
    }
}
