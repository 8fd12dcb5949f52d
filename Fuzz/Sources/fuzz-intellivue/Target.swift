import FuzzSupport

/// Any byte stream into the Philips IntelliVue MIB/RS232 driver (through the registry's supervised
/// driver, listening only): no crash, no hang, the same output however the bytes are chunked, and
/// no `valid` value outside the device's ranges.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Fuzz.checkDriver("intellivue", data.fuzzInput(count: size))
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_intellivue_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
