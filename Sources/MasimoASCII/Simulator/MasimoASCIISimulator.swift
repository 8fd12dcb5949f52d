import BedsideDriver
import BedsideModel
import BedsideScenario

/// A Rad-8-class oximeter's ASCII 1 output, sans-IO: one line a second with the Rad-8 field set of
/// monitors.md §D.14, playing the shared ``PatientScript`` (SpO2, pulse rate, perfusion index,
/// the desaturation and the probe coming off).
///
/// - The probe off: values become dashes with EXC 0x20 "sensor off"; for ten seconds after it is
///   back, 0x8 "pulse search" with dashes, as the device searches for a pulse.
/// - SpO2 below 90 %: ALARM 0x2 "SpO2 low" with 0x10 "alarm active".
/// - The clock it prints is the host's UTC time (it has no other), two-digit year.
/// - The scenario runs `scenarioSpeed` times faster than the host clock; lines come every second.
///
/// Options: `corrupt-every=N` flips one bit in every Nth line sent, to exercise a driver's checks.
public struct MasimoASCIISimulator: DeviceSimulator {
    public static let driverName = MasimoASCIIDriver.descriptor.name
    /// The serial number it reports (a Rad-8 prints ten digits).
    public static let serialNumber = "0000001001"
    /// Seconds of "pulse search" after the probe is back on.
    static let pulseSearchSeconds: Double = 10

    private let script: PatientScript
    private let speed: Double
    private let corruptEvery: Int
    private var startTime: Timestamp?
    private var next: Timestamp?
    private var linesSent = 0

    public init(configuration: SimulatorConfiguration) {
        script = PatientScript(seed: configuration.seed)
        speed = configuration.scenarioSpeed > 0 ? configuration.scenarioSpeed : 1
        corruptEvery = configuration.options["corrupt-every"].flatMap(Int.init) ?? 0
    }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        startTime = now
        next = now.adding(nanoseconds: 1_000_000_000)
        output.nextDeadline = next
    }

    /// The oximeter ignores what it receives.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if startTime == nil { start(now: now, into: &output) }
        output.nextDeadline = next
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        guard let startTime else { start(now: now, into: &output); return }
        while let due = next, due <= now {
            let t = Double(due.nanoseconds(since: startTime)) / 1e9 * speed
            var line = Array(Self.line(at: t, script: script, clock: due).utf8)
            linesSent += 1
            if corruptEvery > 0, linesSent % corruptEvery == 0, !line.isEmpty {
                let bit = linesSent % (line.count * 8)
                line[bit / 8] ^= UInt8(1 << (bit % 8))
            }
            output.transmit += line + [0x0D, 0x0A]
            next = due.adding(nanoseconds: 1_000_000_000)
        }
        output.nextDeadline = next
    }

    /// The line the oximeter prints at scenario time `t`, with its clock reading `clock`.
    static func line(at t: Double, script: PatientScript, clock: Timestamp) -> String {
        let v = script.vitals(at: t)
        let probeOn = script.oximeterProbe(at: t) == .onPatient
        let searching = probeOn && t >= InfusionSessionTimeline.probeBackOn
            && t < InfusionSessionTimeline.probeBackOn + pulseSearchSeconds
        var exc: UInt32 = 0x800
        var alarm: UInt32 = 0
        var spo2 = "---%", bpm = "---", pi = "--.--%"
        if !probeOn {
            exc |= 0x20
        } else if searching {
            exc |= 0x8
        } else {
            let s = Int(v.spo2.rounded())
            spo2 = pad(s, 3) + "%"
            bpm = pad(Int(v.pulseRate.rounded()), 3)
            let hundredths = Int((max(0, v.perfusionIndex) * 100).rounded())
            pi = pad(hundredths / 100, 2) + "." + pad(hundredths % 100, 2) + "%"
            if s < 90 { alarm |= 0x12 }
        }
        return timeStamp(clock) + " SN=\(serialNumber) SPO2=\(spo2) BPM=\(bpm) PI=\(pi) SPCO=--.-% SPMET=--.-% DESAT=-- "
            + "PIDELTA=+-- ALARM=\(hex(alarm, 4)) EXC=\(hex(exc, 6))"
    }

    static func timeStamp(_ time: Timestamp) -> String {
        let seconds = time.nanosecondsSinceEpoch / 1_000_000_000
        let days = seconds / 86_400, rest = seconds % 86_400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return "\(pad(Int(m), 2))/\(pad(Int(d), 2))/\(pad(Int(y % 100), 2)) "
            + "\(pad(Int(rest / 3600), 2)):\(pad(Int(rest / 60 % 60), 2)):\(pad(Int(rest % 60), 2))"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func hex(_ n: UInt32, _ width: Int) -> String {
        let s = String(n, radix: 16, uppercase: true)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
