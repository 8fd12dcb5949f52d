import BedsideModel

/// The scripted patient of the simulator: a one-hour infusion session. Heart rate rises from ~72
/// to ~96 and settles at ~78, blood pressure rises and settles, SpO₂ ~97 with a dip, plus
/// respiration, CO₂ and temperature. Deterministic from the seed; `speed` compresses time.
struct Scenario: Sendable {
    var seed: UInt64
    /// Scenario seconds per real second.
    var speed: Double

    struct Vitals: Hashable, Sendable {
        var heartRate: Int
        var pulseRate: Int
        var spo2: Int
        var perfusionIndexTenths: Int
        var nbpSystolic: Int, nbpDiastolic: Int, nbpMean: Int
        var abpSystolic: Int, abpDiastolic: Int, abpMean: Int
        var respirationRate: Int
        var airwayRespirationRate: Int
        var etco2: Int
        var imco2: Int
        /// Hundredths of a degree Celsius.
        var temperatureCentiCelsius: Int
    }

    /// Scenario seconds at `elapsed` real nanoseconds since the simulator started.
    func scenarioSeconds(_ elapsedNanoseconds: Int64) -> Double {
        Double(elapsedNanoseconds) / 1e9 * speed
    }

    /// Smooth ramp from `a` to `b` between minutes `t0` and `t1`.
    private static func ramp(_ minute: Double, _ t0: Double, _ t1: Double, _ a: Double, _ b: Double) -> Double {
        if minute <= t0 { return a }
        if minute >= t1 { return b }
        let x = (minute - t0) / (t1 - t0)
        return a + (b - a) * (x * x * (3 - 2 * x))
    }

    /// Deterministic noise in -1…1 for a channel at a whole scenario second.
    func noise(_ channel: UInt64, _ second: Int64) -> Double {
        var z = seed &+ channel &* 0x9e37_79b9_7f4a_7c15 &+ UInt64(bitPattern: second) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Double(z % 2001) / 1000 - 1
    }

    func vitals(atScenarioSeconds s: Double) -> Vitals {
        let minute = (s / 60).truncatingRemainder(dividingBy: 60)  // the hour repeats
        let second = Int64(s)
        func around(_ base: Double, _ channel: UInt64, _ amplitude: Double) -> Int {
            Int((base + noise(channel, second) * amplitude).rounded())
        }
        let hrBase = minute < 20 ? Self.ramp(minute, 5, 20, 72, 96) : Self.ramp(minute, 25, 45, 96, 78)
        let sysBase = minute < 20 ? Self.ramp(minute, 5, 20, 118, 138) : Self.ramp(minute, 25, 45, 138, 124)
        let diaBase = minute < 20 ? Self.ramp(minute, 5, 20, 74, 86) : Self.ramp(minute, 25, 45, 86, 78)
        let spo2Base = minute < 30 ? Self.ramp(minute, 28, 30, 97, 88) : Self.ramp(minute, 31, 33, 88, 97)
        let hr = around(hrBase, 1, 1.4)
        let sys = around(sysBase, 2, 2), dia = around(diaBase, 3, 1.5)
        // NBP is measured every 5 scenario minutes and holds its value in between.
        let nbpMinute = (minute / 5).rounded(.down) * 5
        let nbpSecond = Int64(nbpMinute * 60)
        let nbpSys = Int((minute < 20 ? Self.ramp(nbpMinute, 5, 20, 118, 138) : Self.ramp(nbpMinute, 25, 45, 138, 124))
            + noise(7, nbpSecond) * 3)
        let nbpDia = Int((minute < 20 ? Self.ramp(nbpMinute, 5, 20, 74, 86) : Self.ramp(nbpMinute, 25, 45, 86, 78))
            + noise(8, nbpSecond) * 2)
        return Vitals(
            heartRate: hr, pulseRate: hr + Int(noise(4, second).rounded()), spo2: around(spo2Base, 5, 0.6),
            perfusionIndexTenths: around(minute < 28 || minute > 33 ? 32 : 14, 6, 2),
            nbpSystolic: nbpSys, nbpDiastolic: nbpDia, nbpMean: (nbpSys + 2 * nbpDia) / 3,
            abpSystolic: sys, abpDiastolic: dia, abpMean: (sys + 2 * dia) / 3,
            respirationRate: around(minute < 20 ? Self.ramp(minute, 5, 20, 14, 18) : Self.ramp(minute, 25, 45, 18, 15), 9, 0.8),
            airwayRespirationRate: around(minute < 20 ? Self.ramp(minute, 5, 20, 14, 18) : Self.ramp(minute, 25, 45, 18, 15), 10, 0.8),
            etco2: around(minute < 20 ? Self.ramp(minute, 5, 20, 37, 33) : Self.ramp(minute, 25, 45, 33, 36), 11, 0.8),
            imco2: 0,
            temperatureCentiCelsius: around(Self.ramp(minute, 0, 50, 3680, 3730), 12, 2))
    }

    /// Patient alarms the monitor would raise for these vitals (limits HR > 90, SpO₂ < 90).
    static func alarms(for v: Vitals) -> [SimulatedAlarm] {
        var out: [SimulatedAlarm] = []
        if v.heartRate > 90 { out.append(.heartRateHigh) }
        if v.spo2 < 90 { out.append(.spo2Low) }
        return out
    }

    // MARK: waves (raw scaled samples, deterministic in the sample index)

    /// ECG lead II at 500 samples/s, scaled 0…16383 ↔ −40.96…40.955 mV (8192 = 0 mV).
    func ecgSample(_ n: Int64, heartRate: Int) -> UInt16 {
        let t = Double(n) / 500
        let phase = (t * Double(heartRate) / 60).truncatingRemainder(dividingBy: 1)
        var mv = 0.0
        mv += 0.15 * Self.bump(phase, 0.12, 0.025)   // P
        mv -= 0.10 * Self.bump(phase, 0.215, 0.008)  // Q
        mv += 1.20 * Self.bump(phase, 0.23, 0.01)    // R
        mv -= 0.25 * Self.bump(phase, 0.245, 0.008)  // S
        mv += 0.30 * Self.bump(phase, 0.45, 0.04)    // T
        return UInt16(max(0, min(16383, 8192 + Int((mv / 0.005).rounded()))))
    }

    /// Pleth at 125 samples/s, relative units 0…4095.
    func plethSample(_ n: Int64, heartRate: Int) -> UInt16 {
        let t = Double(n) / 125
        let phase = (t * Double(heartRate) / 60).truncatingRemainder(dividingBy: 1)
        let v = 0.8 * Self.bump(phase, 0.3, 0.08) + 0.25 * Self.bump(phase, 0.55, 0.06)
        return UInt16(800 + Int(v * 2600))
    }

    /// CO₂ at 62.5 samples/s, scaled 100…4000 ↔ −5…60 mmHg (1 mmHg = 60 scaled units).
    func co2Sample(_ n: Int64, respirationRate: Int, etco2: Int) -> UInt16 {
        let t = Double(n) / 62.5
        let phase = (t * Double(max(respirationRate, 1)) / 60).truncatingRemainder(dividingBy: 1)
        let plateau = phase < 0.45 ? 0 : (phase < 0.5 ? (phase - 0.45) / 0.05 : (phase < 0.9 ? 1 : (1 - phase) / 0.1))
        let mmHg = Double(etco2) * plateau
        return UInt16(400 + Int((mmHg * 60).rounded()))
    }

    private static func bump(_ x: Double, _ center: Double, _ width: Double) -> Double {
        let d = (x - center) / width
        return d * d > 50 ? 0 : exp(-d * d)
    }
}

/// The patient alarms the simulator can raise.
enum SimulatedAlarm: Hashable, Sendable {
    case heartRateHigh, spo2Low

    var source: UInt16 { self == .heartRateHigh ? 0x4182 : 0x4bb8 }
    var code: UInt16 { self == .heartRateHigh ? 40 : 62 }  // NOM_EVT_HI / NOM_EVT_LO
    var type: UInt16 { self == .heartRateHigh ? 0x0200 : 0x0400 }  // yellow / red
    var text: String { self == .heartRateHigh ? "** HR High" : "*** SpO₂ Low" }
    var objectHandle: UInt16 { self == .heartRateHigh ? 0x0101 : 0x0103 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
