import BedsideModel

/// How the bytes a driver transmitted during an offline replay compare with the tx chunks recorded
/// in the capture. Both are compared as one continuous byte stream each, position by position, so
/// a driver that sends the right bytes a little earlier or later than recorded still matches.
public struct TransmitCheck: Hashable, Sendable {
    /// Positions where the driver sent the recorded byte.
    public var matchedBytes = 0
    /// Positions where it sent a different byte.
    public var mismatchedBytes = 0
    /// Recorded bytes the driver never sent.
    public var missingBytes = 0
    /// Bytes the driver sent beyond what was recorded (before ``OfflineReplay/finish()``'s `stop`).
    public var extraBytes = 0
    /// Bytes the driver's `stop` sent that the capture did not record (recordings usually end
    /// before the bridge stops, so these are reported, not counted as extra).
    public var unrecordedStopBytes = 0
    /// The mismatching runs, in stream order (at most ``maximumListedMismatches``).
    public var mismatches: [TransmitMismatch] = []

    public static let maximumListedMismatches = 100

    /// Compares the tx chunks of a recording with the bytes a program actually sent (live replay).
    public static func compare(recorded chunks: [CaptureChunk], sent: [UInt8]) -> TransmitCheck {
        var matcher = TransmitMatcher()
        for chunk in chunks where chunk.direction == .tx {
            chunk.bytes.withUnsafeBytes { matcher.recorded($0, at: chunk.time) }
        }
        matcher.driverSent(sent)
        return matcher.finish(stopBytes: [])
    }

    /// Nothing differs.
    public var isClean: Bool { mismatchedBytes == 0 && missingBytes == 0 && extraBytes == 0 }
}

/// One run of consecutive differing bytes.
public struct TransmitMismatch: Hashable, Sendable, CustomStringConvertible {
    /// Offset of the first differing byte in the transmitted stream (0 = the first byte ever sent).
    public var offset: Int
    /// What the capture recorded there (at most ``excerptLimit`` bytes).
    public var expected: [UInt8]
    /// What the driver sent there.
    public var actual: [UInt8]
    /// Time of the recorded tx chunk holding the first expected byte.
    public var recordedAt: Timestamp
    /// Length of the run (may exceed the excerpts).
    public var length: Int

    public static let excerptLimit = 32

    public var description: String {
        func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ") }
        return "tx offset \(offset) (recorded at \(recordedAt)): \(length) byte(s) differ; expected \(hex(expected)), driver sent \(hex(actual))"
    }
}

/// Incremental position-by-position comparison of two byte streams.
struct TransmitMatcher {
    private(set) var check = TransmitCheck()
    private(set) var recordedChunks = 0
    private var expected: [UInt8] = []
    private var expectedHead = 0
    private var actual: [UInt8] = []
    private var actualHead = 0
    private var position = 0
    /// (stream offset where a recorded chunk starts, its time), ascending.
    private var chunkStarts: [(offset: Int, time: Timestamp)] = []
    private var recordedTotal = 0
    private var openRun: Int?  // index into check.mismatches of the run that ends at `position`
    private var runEnd = 0

    mutating func recorded(_ bytes: UnsafeRawBufferPointer, at time: Timestamp) {
        recordedChunks += 1
        guard !bytes.isEmpty else { return }
        chunkStarts.append((recordedTotal, time))
        recordedTotal += bytes.count
        expected.append(contentsOf: bytes)
        compare()
    }

    mutating func driverSent(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        actual.append(contentsOf: bytes)
        compare()
    }

    /// Ends the comparison: what is left over is missing or extra.
    mutating func finish(stopBytes: [UInt8]) -> TransmitCheck {
        let extraBeforeStop = actual.count - actualHead
        actual.append(contentsOf: stopBytes)
        compare()
        let leftover = actual.count - actualHead
        check.extraBytes = min(extraBeforeStop, leftover)
        check.unrecordedStopBytes = leftover - check.extraBytes
        check.missingBytes = expected.count - expectedHead
        return check
    }

    private mutating func compare() {
        let n = min(expected.count - expectedHead, actual.count - actualHead)
        if n > 0 {
            for i in 0..<n {
                let e = expected[expectedHead + i]
                let a = actual[actualHead + i]
                if e == a {
                    check.matchedBytes += 1
                } else {
                    check.mismatchedBytes += 1
                    noteMismatch(at: position + i, expected: e, actual: a)
                }
            }
            expectedHead += n
            actualHead += n
            position += n
        }
        // Drop consumed bytes now and then, so memory stays bounded on long replays.
        if expectedHead > 1 << 16 { expected.removeFirst(expectedHead); expectedHead = 0 }
        if actualHead > 1 << 16 { actual.removeFirst(actualHead); actualHead = 0 }
    }

    private mutating func noteMismatch(at offset: Int, expected e: UInt8, actual a: UInt8) {
        if let run = openRun, runEnd == offset {
            check.mismatches[run].length += 1
            if check.mismatches[run].expected.count < TransmitMismatch.excerptLimit {
                check.mismatches[run].expected.append(e)
                check.mismatches[run].actual.append(a)
            }
            runEnd = offset + 1
            return
        }
        guard check.mismatches.count < TransmitCheck.maximumListedMismatches else { openRun = nil; return }
        check.mismatches.append(TransmitMismatch(offset: offset, expected: [e], actual: [a], recordedAt: recordedTime(of: offset), length: 1))
        openRun = check.mismatches.count - 1
        runEnd = offset + 1
    }

    private func recordedTime(of offset: Int) -> Timestamp {
        // Last chunk starting at or before `offset`.
        var lo = 0, hi = chunkStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if chunkStarts[mid].offset <= offset { lo = mid } else { hi = mid - 1 }
        }
        return chunkStarts[lo].time
    }
}
