/// Tells capture files apart by content, not by name: a `.bbcap` capture, an IntelliVue MP70
/// serial log (timestamped frames, see ``IntelliVueSerialLog``), or anything else, which is
/// treated as a raw byte dump.
public enum CaptureFormatSniffer {
    public enum Kind: String, Hashable, Sendable {
        case bbcap
        case intelliVueSerialLog = "intellivue-log"
        case rawBytes = "raw"
    }

    /// How many leading bytes ``kind(ofPrefix:)`` looks at (pass at least this many when available).
    public static let prefixLength = 4096

    /// Decides from the first bytes of a file.
    public static func kind(ofPrefix prefix: [UInt8]) -> Kind {
        if prefix.count >= CaptureFileFormat.magic.count, prefix.starts(with: CaptureFileFormat.magic) { return .bbcap }
        if IntelliVueSerialLog.looksLikeLog(prefix) { return .intelliVueSerialLog }
        return .rawBytes
    }

    /// Reads the start of the file at `path` and decides.
    public static func kind(ofFileAt path: String) throws(CaptureError) -> Kind {
        kind(ofPrefix: try FileBytes.read(path, limit: prefixLength))
    }

    /// Peeks at the start of `input` and decides; nothing is consumed, so the same input (a pipe
    /// too) is then handed to the matching reader.
    public static func kind(of input: CaptureInput) throws(CaptureError) -> Kind {
        kind(ofPrefix: try input.peek(prefixLength))
    }
}
