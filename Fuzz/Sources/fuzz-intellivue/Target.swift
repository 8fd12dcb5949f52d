import FuzzSupport

/// Any byte stream into the Philips IntelliVue MIB/RS232 driver (through the registry's supervised
/// driver, listening only): no crash, no hang, the same output however the bytes are chunked (for the
/// input as is and with every frame's checksum made right), and
/// no `valid` value outside the device's ranges.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    Fuzz.checkDriver("intellivue", input)
    // The same frames with correct checksums, so mutations reach the decoders behind the framing.
    let fixed = ChecksumFixup.intelliVue(input)
    if !fixed.isEmpty { fixed.withUnsafeBytes { _ = Fuzz.checkDriver("intellivue", $0) } }
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_intellivue_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
