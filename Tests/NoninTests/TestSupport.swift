import BedsideDriver
import BedsideModel
@testable import Nonin

func hex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(text.filter { !$0.isWhitespace })
    while chars.count >= 2 {
        out.append(UInt8(String(chars[0...1]), radix: 16)!)
        chars.removeFirst(2)
    }
    return out
}

let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

/// monitors.md §D.12: 30 real format 2 frames from a comment in
/// `mattjlewis/NoninPulseOx:…/DataFormat2FrameSerialiser.java`, one frame a line as printed there.
let realFormat2 = hex("""
    01804900CA 0180464A11 01804400C5 01804300C4 01814300C5 0180434A0E 0180436024 0180439458 01804300C4 01804100C2
    01803E17D6 01803C04C1 018039601A 0180366017 0180356016 01803400B5 01803400B5 01803400B5 0180354A00 0180366017
    0180376018 01803A00BB 01804000C1 01804A00CB 0180574A22 01806900EA 01807C4A47 0180900011 0180A10022 0181AF0031
    """)

func run(_ bytes: [UInt8], options: [String: String] = ["format": "2"], chunk: Int? = nil) -> DriverOutput {
    var driver = NoninDriver(configuration: DriverConfiguration(options: options))
    var all = DriverOutput()
    var out = DriverOutput()
    driver.start(now: t0, into: &out)
    all.transmit += out.transmit
    let size = chunk ?? max(bytes.count, 1)
    for start in stride(from: 0, to: bytes.count, by: size) {
        out.reset()
        driver.receive(Array(bytes[start..<min(start + size, bytes.count)]), now: t0, into: &out)
        all.transmit += out.transmit
        all.observations += out.observations
        if let id = out.identity { all.identity = id }
        for (k, v) in out.counters { all.counters[k, default: 0] += v }
    }
    return all
}

extension DriverOutput {
    var numerics: [NumericReading] { observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var waves: [WaveformSegment] { observations.compactMap { if case .waveform(let w) = $0 { w } else { nil } } }
    var alarms: [AlarmEvent] { observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } } }
    func reading(_ key: String) -> NumericReading? { numerics.first { $0.metric.vendorCode == "nonin:\(key)" } }
}

/// A format 2 frame with its checksum (sum of the first four bytes, monitors.md C.1).
func frame2(status: UInt8, pleth: UInt8, float: UInt8) -> [UInt8] {
    let body: [UInt8] = [0x01, status, pleth, float]
    return body + [UInt8(truncatingIfNeeded: body.reduce(0) { $0 + Int($1) })]
}

/// The real packet (frames 5…29 of the capture) with `extra` status bits set in every frame,
/// checksums recomputed by the notes' rule.
func realPacket(orStatus extra: UInt8, andStatus keep: UInt8 = 0xFF) -> [UInt8] {
    var out: [UInt8] = []
    for i in 4..<29 {
        let f = Array(realFormat2[(i * 5)..<(i * 5 + 5)])
        out += frame2(status: (f[1] & keep) | extra, pleth: f[2], float: f[3])
    }
    return out + Array(realFormat2[(29 * 5)...])
}
