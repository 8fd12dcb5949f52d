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
    writeFile(scratch, data.fuzzInput(count: size))
    let whole = readWhole(scratch)
    let streamed = readStreaming(scratch, bufferSize: 4096)
    if whole != streamed {
        Fuzz.violation("capture reader: reading whole and streaming in 4 KiB differ:\n  whole:    \(whole)\n  streamed: \(streamed)")
    }
    guard case .success(let first) = whole else { return 0 }
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
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_capture_reader_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
