import BedsideDriver
import BedsideModel
import BedsideScenario

/// A Nonin oximeter streaming data format 2, 7 or 8, playing the shared ``PatientScript``: SpO2 and
/// pulse rate with the desaturation, perfusion from the perfusion index (yellow below 1.5 %, red
/// below 1 %), the probe coming off (sensor disconnected, missing values 511/127), and a
/// minute of artifact as it is put back.
///
/// It answers the set-data-format command (`02 70 02 02 <fmt> 03`, or the long form) with ACK and
/// switches format; anything else gets NAK. Options: `format=2|7|8` (default 7), `corrupt-every=N`
/// flips a bit in every Nth packet.
public struct NoninSimulator: DeviceSimulator {
    public static let driverName = NoninDriver.descriptor.name
    /// The firmware revision it reports in frame 3 (the real capture's, monitors.md §D.12).
    static let firmwareRevision: UInt8 = 0x94
    static let artifactSeconds: Double = 60

    private let script: PatientScript
    private let speed: Double
    private let corruptEvery: Int
    private(set) var format: NoninFormat
    private var startTime: Timestamp?
    private var next: Timestamp?
    private var packets = 0
    private var command: [UInt8] = []

    public init(configuration: SimulatorConfiguration) {
        script = PatientScript(seed: configuration.seed)
        speed = configuration.scenarioSpeed > 0 ? configuration.scenarioSpeed : 1
        corruptEvery = configuration.options["corrupt-every"].flatMap(Int.init) ?? 0
        format = configuration.options["format"].flatMap(Int.init).flatMap(NoninFormat.init(rawValue:)) ?? .format7
    }

    private var packetPeriod: Int64 { format == .format8 ? 1_000_000_000 : 1_000_000_000 / 3 }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        startTime = now
        next = now.adding(nanoseconds: packetPeriod)
        output.nextDeadline = next
    }

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if startTime == nil { start(now: now, into: &output) }
        for b in bytes {
            if command.isEmpty, b != 0x02 { continue }
            command.append(b)
            guard b == 0x03, command.count >= 4 else {
                if command.count > 16 { command.removeAll() }
                continue
            }
            let c = command
            command.removeAll()
            // Short form 02 70 02 02 fmt 03, long form 02 70 04 02 fmt opt sum 03.
            if c.count >= 6, c[1] == 0x70, c[3] == 0x02, let f = NoninFormat(rawValue: Int(c[4])),
               (c[2] == 0x02 && c.count == 6) || (c[2] == 0x04 && c.count == 8) {
                format = f
                output.transmit.append(0x06)
            } else {
                output.transmit.append(0x15)
            }
        }
        output.nextDeadline = next
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        guard let startTime else { start(now: now, into: &output); return }
        while let due = next, due <= now {
            let t = Double(due.nanoseconds(since: startTime)) / 1e9 * speed
            var bytes = format == .format8 ? format8Packet(at: t) : framePacket(at: t, index: packets)
            packets += 1
            if corruptEvery > 0, packets % corruptEvery == 0 {
                let bit = packets % (bytes.count * 8)
                bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            }
            output.transmit += bytes
            next = due.adding(nanoseconds: packetPeriod)
        }
        output.nextDeadline = next
    }

    struct Moment {
        var probeOn: Bool, artifact: Bool, hr: Int, spo2: Int, perfusion: UInt8
    }

    func moment(_ t: Double) -> Moment {
        let v = script.vitals(at: t)
        let on = script.oximeterProbe(at: t) == .onPatient
        let artifact = on && t >= InfusionSessionTimeline.probeBackOn && t < InfusionSessionTimeline.probeBackOn + Self.artifactSeconds
        // Perfusion code, bits 2-1: 01 green, 11 yellow, 10 red.
        let perfusion: UInt8 = !on ? 0 : v.perfusionIndex < 1 ? 0x04 : v.perfusionIndex < 1.5 ? 0x06 : 0x02
        return Moment(probeOn: on, artifact: artifact, hr: on ? Int(v.pulseRate.rounded()) : 511,
                      spo2: on ? Int(v.spo2.rounded()) : 127, perfusion: perfusion)
    }

    func framePacket(at t: Double, index: Int) -> [UInt8] {
        let m = moment(t)
        var status: UInt8 = 0x80 | m.perfusion
        if !m.probeOn { status |= 0x40 }
        if m.artifact { status |= 0x20 }
        var float = [UInt8](repeating: 0, count: 25)
        func rate(_ msb: Int, _ lsb: Int, _ v: Int) { float[msb] = UInt8((v >> 7) & 0x03); float[lsb] = UInt8(v & 0x7F) }
        rate(0, 1, m.hr)
        float[2] = UInt8(m.spo2)
        float[3] = Self.firmwareRevision
        let timer = (Int(t * 3) / 3) & 0x3FFF
        float[5] = UInt8(timer >> 7)
        float[6] = UInt8(timer & 0x7F)
        for i in [8, 9, 10, 15, 16] { float[i] = UInt8(m.spo2) }
        rate(13, 14, m.hr)
        rate(19, 20, m.hr)
        rate(21, 22, m.hr)
        var out: [UInt8] = []
        out.reserveCapacity(125)
        let beat = Double(max(m.hr == 511 ? 60 : m.hr, 1)) / 60
        for i in 0..<25 {
            let s = status | (i == 0 ? 0x01 : 0)
            let phase = (Double(index * 25 + i) / 75 * beat).truncatingRemainder(dividingBy: 1)
            let wave = m.probeOn ? 0.5 + 0.45 * (phase < 0.3 ? phase / 0.3 : (1 - phase) / 0.7) : 0.5
            let frame: [UInt8]
            switch format {
            case .format2:
                frame = [0x01, s, UInt8(wave * 255), float[i]]
            default:
                let p = UInt16(wave * 65535)
                frame = [s, UInt8(p >> 8), UInt8(p & 0xFF), float[i]]
            }
            out += frame + [UInt8(truncatingIfNeeded: frame.reduce(0) { $0 + Int($1) })]
        }
        return out
    }

    func format8Packet(at t: Double) -> [UInt8] {
        let m = moment(t)
        var status: UInt8 = 0x80 | UInt8((m.hr >> 7) & 0x03)
        if !m.probeOn { status |= 0x40 }
        if m.perfusion == 0x04 { status |= 0x10 }
        if m.perfusion == 0x06 { status |= 0x08 }
        if m.artifact { status |= 0x04 }
        return [status, UInt8(m.hr & 0x7F), UInt8(m.spo2 & 0x7F), 0x00]
    }
}
