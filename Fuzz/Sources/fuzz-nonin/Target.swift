import FuzzSupport

/// Any byte stream into the Nonin driver in each data format (2, 7, 8; listening only): no crash,
/// no hang, the same output however the bytes are chunked, no `valid` value outside the device's
/// ranges; then, for formats 2 and 7, the same stream cut into 5-byte frames with each frame's
/// checksum made right and status bit 7 set, so mutations reach the packet decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    for format in ["2", "7", "8"] {
        Fuzz.checkDriver("nonin", options: ["format": format], input)
    }
    for format in ["2", "7"] {
        let fixed = noninFramesFixed(input, format2: format == "2")
        if !fixed.isEmpty { fixed.withUnsafeBytes { _ = Fuzz.checkDriver("nonin", options: ["format": format], $0) } }
    }
    return 0
}

/// The input as 5-byte frames that pass the format's frame checks (monitors.md C.1): format 2
/// starts each with 0x01, both set STATUS bit 7 and end with the sum of the first four bytes.
func noninFramesFixed(_ input: UnsafeRawBufferPointer, format2: Bool) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i + 5 <= input.count {
        var f = Array(input[i..<(i + 5)])
        if format2 { f[0] = 0x01; f[1] |= 0x80 } else { f[0] |= 0x80 }
        f[4] = UInt8(truncatingIfNeeded: Int(f[0]) + Int(f[1]) + Int(f[2]) + Int(f[3]))
        out += f
        i += 5
    }
    return out
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_nonin_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
