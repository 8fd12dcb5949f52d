import FuzzSupport

/// Any byte stream into the Philips IntelliVue MIB/RS232 driver (through the registry's supervised
/// driver, listening only): no crash, no hang, the same output however the bytes are chunked, and
/// no `valid` value outside the device's ranges.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    Fuzz.checkDriver("intellivue", data.fuzzInput(count: size))
    return 0
}
