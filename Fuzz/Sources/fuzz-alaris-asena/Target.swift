import FuzzSupport

/// Any byte stream into the Alaris Asena driver (through the registry's supervised driver,
/// listening only): no crash, no hang, the same output however the bytes are chunked (for the
/// input as is and with every frame's CRC made right).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    Fuzz.checkDriver("alaris-asena", input)
    let fixed = ChecksumFixup.alarisAsena(input)
    if !fixed.isEmpty { fixed.withUnsafeBytes { _ = Fuzz.checkDriver("alaris-asena", $0) } }
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_alaris_asena_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
