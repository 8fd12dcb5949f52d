import BedsideModel

/// Writes a capture as an umockdev script (the `-s` format of `umockdev-run` and
/// `umockdev-record`), so any program can be run against the recorded device:
///
/// ```
/// umockdev-run -d ftdi.umockdev -s /dev/ttyUSB0=session.script -- bedside run --port /dev/ttyUSB0 …
/// ```
///
/// Each chunk becomes one line `r <delay ms> <data>` (rx: the device sends, the program reads) or
/// `w <delay ms> <data>` (tx: the program must write exactly these bytes; umockdev aborts the run on
/// a mismatch). The delay is the time since the previous line; umockdev waits it before sending an
/// `r` block and ignores it for `w`. Delays are rounded on the cumulative time so they do not drift.
///
/// Data escaping (umockdev's rule): a byte below 0x20 is written as `^` followed by the byte plus
/// 0x40 (`^@` for 0x00, `^J` for LF, `^M` for CR, `^[` for ESC); `^` itself as ``^` ``; everything else,
/// including 0x20 and bytes 0x80–0xFF, verbatim. umockdev skips spaces at the start of a block and
/// has no escape for a space, so a chunk that starts with a space is joined onto the previous line
/// when that line has the same direction; otherwise the capture cannot be expressed and
/// ``UmockdevExportError/leadingSpace(chunkIndex:)`` is thrown.
public struct UmockdevScriptExporter: Sendable {
    /// Divides every delay (2 = twice as fast); `nil` writes all delays as 0 (as fast as possible).
    public var speed: Double?
    /// Leave out tx chunks (for a listen-only program that must not be checked on what it sends).
    public var includeTransmit: Bool

    public init(speed: Double? = 1, includeTransmit: Bool = true) {
        self.speed = speed
        self.includeTransmit = includeTransmit
    }

    /// The script for `capture`, as bytes (it is not UTF-8 when the data has bytes ≥ 0x80).
    public func script(for capture: Capture) throws(UmockdevExportError) -> [UInt8] {
        var out: [UInt8] = []
        out += Array("# umockdev script exported from a Bedside capture\n".utf8)
        out += Array("# start-time \(capture.header.startTime.rfc3339)".utf8)
        if let d = capture.header.driver { out += Array(" driver \(d)".utf8) }
        if let s = capture.header.serialSettings { out += Array(" settings \(s.summary)".utf8) }
        out.append(0x0A)

        var lines: [(op: UInt8, delayMs: Int64, data: [UInt8])] = []
        var previousMs: Int64 = 0
        for (index, chunk) in capture.chunks.enumerated() where !chunk.bytes.isEmpty {
            if chunk.direction == .tx && !includeTransmit { continue }
            let op = chunk.direction == .rx ? UInt8(ascii: "r") : UInt8(ascii: "w")
            let elapsedNs = max(chunk.time.nanoseconds(since: capture.header.startTime), 0)
            let ms: Int64
            if let speed, speed > 0 {
                ms = Int64((Double(elapsedNs) / 1e6 / speed).rounded())
            } else {
                ms = 0
            }
            if chunk.bytes.first == 0x20 {
                guard let last = lines.last, last.op == op else { throw .leadingSpace(chunkIndex: index) }
                // The joined bytes go out with the earlier line; the next delay counts from that line.
                lines[lines.count - 1].data += chunk.bytes
                continue
            }
            lines.append((op, max(ms - previousMs, 0), chunk.bytes))
            previousMs = max(ms, previousMs)
        }
        for line in lines {
            out.append(line.op)
            out.append(0x20)
            out += Array(String(line.delayMs).utf8)
            out.append(0x20)
            Self.escape(line.data, into: &out)
            out.append(0x0A)
        }
        return out
    }

    /// Writes the script for `capture` to `path` (replacing it).
    public func writeScript(for capture: Capture, to path: String) throws -> Int {
        let bytes = try script(for: capture)
        try FileBytes.write(bytes, to: path)
        return bytes.count
    }

    /// umockdev's data escaping (see the type's documentation).
    public static func escape(_ bytes: [UInt8], into out: inout [UInt8]) {
        for b in bytes {
            if b < 0x20 {
                out.append(UInt8(ascii: "^"))
                out.append(b + 0x40)
            } else if b == UInt8(ascii: "^") {
                out.append(UInt8(ascii: "^"))
                out.append(UInt8(ascii: "`"))
            } else {
                out.append(b)
            }
        }
    }

    /// Inverse of ``escape(_:into:)`` (for tests and for reading scripts back).
    public static func unescape(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var it = text
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "^") else { out.append(b); continue }
            guard let next = it.popFirst() else { return nil }
            out.append(next == UInt8(ascii: "`") ? UInt8(ascii: "^") : next &- 0x40)
        }
        return out
    }
}

public enum UmockdevExportError: Error, Equatable, CustomStringConvertible, Sendable {
    /// umockdev cannot express a block that starts with a space, and this one cannot be joined to
    /// the previous block.
    case leadingSpace(chunkIndex: Int)

    public var description: String {
        switch self {
        case .leadingSpace(let i):
            "chunk \(i) starts with a space and follows a chunk of the other direction; umockdev scripts cannot express that (they skip leading spaces)"
        }
    }
}
