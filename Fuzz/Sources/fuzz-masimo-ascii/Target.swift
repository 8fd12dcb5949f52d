import FuzzSupport

/// Any byte stream into the Masimo ASCII 1 driver (the registry's supervised driver, listening
/// only): no crash, no hang, the same output however the bytes are chunked, no `valid` value outside
/// the device's ranges. The protocol has no checksum, so the grammar is what the mutations probe.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Fuzz.checkDriver("masimo-ascii", data.fuzzInput(count: size))
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_masimo_ascii_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
