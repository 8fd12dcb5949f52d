import FuzzSupport

/// Any byte stream into the GE DINAMAP driver (listening only, so every checked reply is decoded):
/// no crash, no hang, the same output however the bytes are chunked, no `valid` value outside the
/// device's ranges; then the same stream with every CR-terminated line given a correct checksum,
/// so mutations reach the reply decoders behind the 12-bit sum.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    Fuzz.checkDriver("ge-dinamap", input)
    let fixed = dinamapChecksumsFixed(input)
    if !fixed.isEmpty { fixed.withUnsafeBytes { _ = Fuzz.checkDriver("ge-dinamap", $0) } }
    return 0
}

/// Each line (bytes up to CR) of at least three bytes with its last two bytes replaced by the
/// DINAMAP checksum of the rest (vital-signs-monitors.md §2.4).
func dinamapChecksumsFixed(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var out: [UInt8] = []
    var line: [UInt8] = []
    func flush() {
        if line.count >= 3 {
            var sum = 0
            for c in line.dropLast(2) {
                sum += Int(c) - 0x1F
                if sum > 0xFFF { sum -= 0xFFF }
            }
            let s = max(0, sum)
            line[line.count - 2] = UInt8(0x20 + (s >> 6) & 0x3F)
            line[line.count - 1] = UInt8(0x20 + s & 0x3F)
        }
        out += line
    }
    for b in input {
        if b == 0x0D {
            flush()
            out.append(b)
            line.removeAll()
        } else {
            line.append(b)
        }
    }
    out += line
    return out
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_ge_dinamap_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
