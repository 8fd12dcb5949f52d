import BedsideCapture
import BedsideModel
import FuzzSupport

#if canImport(Glibc)
import Glibc
#endif

// Any file into the `.bbcap` reader. The reader reads descriptors, so each input is written to a
// scratch file of this process first (one per process: libFuzzer's -fork/-jobs workers never share).
//
// Properties: no crash, no hang, bounded memory; the same header, records, warnings or error
// whether read whole (1 MiB buffer) or streamed through the smallest buffer (4 KiB), so a record
// crossing a buffer refill reads the same; what was read writes back (CaptureWriter) and reads
// again to the same records.
// This file is the only place the fuzzer touches the capture reader's API.

private let scratch = "/tmp/bedside-fuzz-capture-\(getpid()).bbcap"
private let rewritten = "/tmp/bedside-fuzz-capture-\(getpid())-rewritten.bbcap"

private struct Reading: Equatable {
    var header: CaptureHeader
    var chunks: [CaptureChunk]
    var warnings: [CaptureWarning]
}

private func readStreaming(_ path: String, bufferSize: Int) -> Result<Reading, CaptureError> {
    Result { () throws(CaptureError) -> Reading in
        let reader = try CaptureReader(path: path, bufferSize: bufferSize)
        var chunks: [CaptureChunk] = []
        while let c = try reader.next() { chunks.append(c) }
        return Reading(header: reader.header, chunks: chunks, warnings: reader.warnings)
    }
}

private func readWhole(_ path: String) -> Result<Reading, CaptureError> {
    Result { () throws(CaptureError) -> Reading in
        let r = try CaptureReader.readAll(path: path)
        return Reading(header: r.capture.header, chunks: r.capture.chunks, warnings: r.warnings)
    }
}

private func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { Fuzz.violation("cannot create \(path): errno \(errno)") }
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        guard n > 0 else { Fuzz.violation("cannot write \(path): errno \(errno)") }
        done += n
    }
    close(fd)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    check(input)
    // The same file with its CRCs made right, so mutations reach the header text and records.
    let fixed = withCorrectCRCs(Array(input))
    if fixed != Array(input) { fixed.withUnsafeBytes { check($0) } }
    return 0
}

/// Recomputes the preamble's and every whole record's CRC-32 (layout: docs/capture-format.md).
private func withCorrectCRCs(_ file: [UInt8]) -> [UInt8] {
    var b = file
    func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
    func store(_ crc: UInt32, at: Int) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) } }
    guard b.count >= 14 else { return b }
    var pos = 14 + u32(10)
    guard pos + 4 <= b.count else { return b }
    store(crc32(b[8..<pos]), at: pos)
    pos += 4
    while pos + 13 <= b.count {
        let end = pos + 13 + u32(pos + 9)
        guard end + 4 <= b.count else { break }
        store(crc32(b[pos..<end]), at: end)
        pos = end + 4
    }
    return b
}

/// CRC-32 (IEEE 802.3, reflected, as zlib), bit by bit: inputs are small.
private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
    }
    return ~crc
}

private func check(_ input: UnsafeRawBufferPointer) {
    let size = input.count
    writeFile(scratch, input)
    let whole = readWhole(scratch)
    let streamed = readStreaming(scratch, bufferSize: 4096)
    if whole != streamed {
        Fuzz.violation("capture reader: reading whole and streaming in 4 KiB differ:\n  whole:    \(whole)\n  streamed: \(streamed)")
    }
    guard case .success(let first) = whole else { return }
    var payload = 0
    for c in first.chunks { payload += c.bytes.count }
    if payload > size { Fuzz.violation("capture reader returned \(payload) payload bytes from a \(size)-byte file") }

    // Round trip: the records read are written by the writer and read back unchanged.
    do throws(CaptureError) {
        let writer = try CaptureWriter.create(path: rewritten, header: first.header,
                                              options: .init(syncOnClose: false), overwrite: true)
        for c in first.chunks { try writer.append(c) }
        try writer.close()
    } catch {
        Fuzz.violation("capture writer refused what the reader returned: \(error)")
    }
    switch readWhole(rewritten) {
    case .success(let again):
        if again.chunks != first.chunks || !again.warnings.isEmpty {
            Fuzz.violation("capture round trip changed the records (\(first.chunks.count) → \(again.chunks.count), warnings \(again.warnings))")
        }
    case .failure(let e):
        Fuzz.violation("a capture written from what the reader returned does not read back: \(e)")
    }
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_capture_reader_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
