import BedsideModel
import FuzzSupport
import GEDatex

/// "No `valid` value from a damaged frame", for GE DRI.
///
/// Input: one byte `n` (1 + n % 3 flips), `n` little-endian 16-bit bit positions, then a stuffed
/// byte stream holding at least one intact frame (the seeds are real frames). The first intact
/// frame is taken, the chosen bits of its unstuffed bytes (record and checksum) are flipped, and the
/// result is re-stuffed as is and fed to a fresh supervised driver.
///
/// What can be checked, precisely:
/// - If the damaged frame fails the DRI acceptance rules (length ≥ 41, 8-bit sum, `r_len`, known
///   main type — ``GEDatexFrameDecoder/validate(_:)``), the driver must produce no numeric, waveform
///   or alarm at all.
/// - If it still passes them (the 8-bit additive sum misses, e.g., two flips of one bit position in
///   opposite directions), the damage is undetectable by the protocol: the only guard left is the
///   device ranges, so every `valid` value must lie within them (``Fuzz/checkRanges(_:driver:)``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.fuzzInput(count: size)
    guard size > 0 else { return 0 }
    let flips = 1 + Int(input[0] % 3)
    let streamStart = 1 + 2 * flips
    guard size > streamStart else { return 0 }
    guard var frame = firstIntactFrame(UnsafeRawBufferPointer(rebasing: input[streamStart...])) else { return 0 }

    let intact = frame
    let bits = frame.count * 8
    for k in 0..<flips {
        let position = Int(input[1 + 2 * k]) | Int(input[2 + 2 * k]) << 8
        let bit = position % bits
        frame[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
    }
    guard frame != intact else { return 0 }  // the flips cancelled out

    let wire = frame.withUnsafeBytes { stuffed($0) }
    let run = wire.withUnsafeBytes { Fuzz.drive("ge-datex", $0, split: false) }
    if GEDatexFrameDecoder.validate(frame) != .frame {
        let data = run.observations.filter {
            switch $0 {
            case .numeric, .waveform, .alarm, .snapshot: true
            default: false
            }
        }
        if !data.isEmpty {
            Fuzz.violation("a GE frame failing \(GEDatexFrameDecoder.validate(frame)) produced \(data.count) observations: \(data[0])")
        }
    } else {
        Fuzz.checkRanges(run, driver: "ge-datex")
    }
    return 0
}

/// The first frame in `stream` the decoder accepts, unstuffed (record + checksum byte).
private func firstIntactFrame(_ stream: UnsafeRawBufferPointer) -> [UInt8]? {
    var framer = GEDatexFrameDecoder()
    var index = 0
    while let outcome = framer.next(in: stream, from: &index) {
        if outcome == .frame { return framer.frameBytes }
    }
    return nil
}

/// `7E` + stuffed bytes + `7E`, keeping the (possibly wrong) checksum byte as it is.
private func stuffed(_ frame: UnsafeRawBufferPointer) -> [UInt8] {
    var out: [UInt8] = [GEDatexWire.flag]
    for b in frame {
        if b == GEDatexWire.flag || b == GEDatexWire.escape {
            out.append(GEDatexWire.escape)
            out.append(b ^ GEDatexWire.escapeMask)
        } else {
            out.append(b)
        }
    }
    out.append(GEDatexWire.flag)
    return out
}

/// The executable's entry point, under the name SwiftPM links it as (see ``Fuzz/main(_:_:_:)``).
@_cdecl("fuzz_ge_datex_bitflip_main")
public func fuzzMain(_ argc: CInt, _ argv: CArguments) -> CInt {
    Fuzz.main(argc, argv, fuzzOne)
}
