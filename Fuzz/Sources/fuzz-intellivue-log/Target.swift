import BedsideCapture
import BedsideDriver
import BedsideModel
import FuzzSupport

// Any bytes into the IntelliVue serial-log importer (`YYYY/MM/DDThh:mm:ss,mmm` + one raw frame,
// repeated), and whatever it imports into the IntelliVue driver at the logged times, as
// `bedside import` + replay would.
//
// Properties: no crash, no hang, bounded memory; every imported chunk is one whole frame
// (0xC0 … 0xC1) taken from the log, so chunks and their stamps never hold more bytes than the
// input; no `valid` value outside the device's ranges.
// This file is the only place the fuzzer touches the importer's API.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(data.fuzzInput(count: size))
    guard let capture = try? IntelliVueSerialLog.importLog(bytes, source: "fuzz") else { return 0 }
    var used = 0
    for c in capture.chunks {
        guard c.direction == .rx, c.bytes.first == 0xc0, c.bytes.last == 0xc1, c.bytes.count >= 2 else {
            Fuzz.violation("IntelliVue log import produced a chunk that is not one frame: \(c.bytes.prefix(8))… (\(c.bytes.count) bytes)")
        }
        used += IntelliVueSerialLog.stampLength + c.bytes.count
    }
    if used > size { Fuzz.violation("IntelliVue log import produced \(used) bytes of stamps and frames from \(size) bytes") }

    // Replay: one receive per logged frame; log times may go backwards, the driver contract wants
    // them non-decreasing, so a replay holds the clock still instead.
    var driver = Fuzz.makeDriver(named: "intellivue")
    var out = DriverOutput()
    var run = Fuzz.Run()
    var now = capture.header.startTime
    driver.start(now: now, into: &out)
    run.drain(&out)
    for c in capture.chunks {
        now = max(now, c.time)
        driver.receive(c.bytes, now: now, into: &out)
        run.drain(&out)
    }
    driver.stop(now: now, into: &out)
    run.drain(&out)
    Fuzz.checkRanges(run, driver: "intellivue")
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_intellivue_log_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
