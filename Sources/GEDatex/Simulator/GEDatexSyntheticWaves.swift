/// Plausible synthetic waveforms in GE raw units, driven by the scenario's rates.
enum GEDatexSyntheticWaves {
    /// Raw sample of wave `id` at scenario time `t`. The waveform's own time axis runs at host
    /// speed (`t / speed`), so beats stay physiological when the scenario is compressed.
    static func sample(id: UInt8, at t: Double, scenario: GEDatexScenario, speed: Double) -> Int16 {
        let v = scenario.vitals(at: t)
        let hostSeconds = t / speed
        let beat = fraction(hostSeconds * Double(v.heartRate) / 60)
        let breath = fraction(hostSeconds * Double(v.co2RespirationRate) / 60)
        switch id {
        case 1, 2, 3:  // ECG, µV
            let gain = id == 2 ? 0.6 : (id == 3 ? 0.4 : 1.0)
            return Int16((ecg(beat) * gain).rounded())
        case 8, 38:  // pleth, 0.01 %
            return Int16((pleth(fraction(beat - 0.15)) * 300).rounded())
        case 9:  // CO2, 0.01 %
            return Int16((capnogram(breath) * Double(v.etCO2)).rounded())
        default:
            return 0
        }
    }

    static func fraction(_ x: Double) -> Double { x - x.rounded(.down) }

    /// One heartbeat (phase 0…1) in µV: P wave, QRS, T wave.
    static func ecg(_ p: Double) -> Double {
        func g(_ centre: Double, _ width: Double, _ height: Double) -> Double {
            let d = (p - centre) / width
            return height * exp(-d * d)
        }
        let pWave = g(0.10, 0.025, 120)
        let qrs: Double = g(0.22, 0.008, -150) + g(0.24, 0.010, 1100) + g(0.26, 0.008, -250)
        let t = g(0.50, 0.050, 300)
        return pWave + qrs + t
    }

    /// Pleth pulse (phase 0…1), 0…1.
    static func pleth(_ p: Double) -> Double {
        let up = 0.15
        if p < up { return GEDatexScenario.smooth(p / up) }
        let fall = (p - up) / (1 - up)
        return (1 - fall) * (1 - fall) * (1 + 0.25 * sin(fall * Double.pi))
    }

    /// Capnogram (phase 0…1), 0…1: inspiration baseline, expiratory upstroke, plateau.
    static func capnogram(_ p: Double) -> Double {
        switch p {
        case ..<0.4: 0
        case ..<0.5: GEDatexScenario.smooth((p - 0.4) / 0.1)
        case ..<0.95: 0.93 + 0.07 * (p - 0.5) / 0.45
        default: 1 - GEDatexScenario.smooth((p - 0.95) / 0.05)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
