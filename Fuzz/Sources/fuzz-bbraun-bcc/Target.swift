import FuzzSupport

/// Any byte stream into the B. Braun BCC driver (through the registry's supervised driver,
/// listening only, stuffing off): no crash, no hang, the same output however the bytes are
/// chunked (for the input as is and with every frame's length and checksum made right).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    Fuzz.checkDriver("bbraun-bcc", input)
    let fixed = ChecksumFixup.bbraunBCC(input)
    if !fixed.isEmpty { fixed.withUnsafeBytes { _ = Fuzz.checkDriver("bbraun-bcc", $0) } }
    return 0
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_bbraun_bcc_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
