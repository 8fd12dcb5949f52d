import BedsideScenario

/// One simulated pump in the rack: which channel of the scripted ``InfusionProgram`` it runs and
/// how it reports it (BCC 3.3x parameter set, pumps.md §1.8–1.9).
struct BCCSimulatedPump: Sendable {
    enum Role: Sendable { case ketamine, carrier }

    var address: BCCAddress
    var role: Role
    var model: String
    var serial: Int
    /// Inserted since the last request: the next answer says GNNEW instead of GNMODEL.
    var announceNew = false

    func channel(_ program: InfusionProgram) -> InfusionProgram.Channel {
        role == .ketamine ? InfusionProgram.ketamine : InfusionProgram.carrier
    }

    func state(_ program: InfusionProgram, at t: Double) -> InfusionProgram.ChannelState {
        role == .ketamine ? program.ketamine(at: t) : program.carrier(at: t)
    }

    /// The pump's parameters at scenario second `t`, in the order a ComDevice lists them.
    /// `words`: STATUS1/ALARM1/PREALARM (3.3x) instead of the INMxx/INAxx flags.
    func parameters(_ program: InfusionProgram, at t: Double, words: Bool) -> [(String, String)] {
        let c = channel(program)
        let s = state(program, at: t)
        var p: [(String, String)] = []
        p.append((announceNew ? "GNNEW" : "GNMODEL", model))
        p.append(("INNR", hex8(serial)))
        p.append(("INSERNUM", String(serial & 0x3FFFF)))
        p.append(("INRT", fixed(s.rate, 2)))
        p.append(("INVTB", fixed(c.volumeToBeInfused, 1)))
        p.append(("INVI", fixed(s.volumeInfused, 2)))
        p.append(("INRMT", s.secondsRemaining.map { String(min(65534, Int($0.rounded()))) } ?? "65535"))
        p.append(("INSOL", c.drug))
        p.append(("INSOLSN", c.shortName))
        if let conc = c.concentrationMgPerML {
            p.append(("INDOCAL", "1"))
            p.append(("INDCON", fixed(conc, 3)))
            p.append(("INDCONU", "31"))
            p.append(("INDORT", fixed(s.rate * conc / InfusionProgram.patientWeightKg, 3)))
            p.append(("INDORTU", "69"))
            p.append(("PATW", fixed(InfusionProgram.patientWeightKg, 3)))
        } else {
            p.append(("INDOCAL", "0"))
        }
        p.append(("INBORT", fixed(s.bolusRate, 2)))
        if role == .ketamine {
            p.append(("INSYR", fixed(c.containerML, 0)))
            p.append(("INVOLACT", fixed(max(0, c.containerML - s.volumeInfused), 2)))
        }
        p.append(("INP2", s.occlusion ? "100" : s.running ? "12" : "0"))
        p.append(("ACTCHAN", "1"))
        if words {
            var status: UInt32 = 1 << 0 | 1 << 1 | 1 << 23
            if s.running { status |= 1 << 7 } else if !s.complete { status |= 1 << 6 }
            if s.started { status |= 1 << 8 }
            if s.bolusActive { status |= 1 << 11 }
            if c.concentrationMgPerML != nil { status |= 1 << 15 }
            var alarm1: UInt32 = 0
            if s.occlusion { alarm1 |= 1 << 10 }
            if s.complete { alarm1 |= 1 << 13 }
            var prealarm: UInt32 = 0
            if s.nearEnd { prealarm |= 1 << 2 }
            p.append(("STATUS1", word(status)))
            p.append(("ALARM1", word(alarm1 == 0 ? 1 : alarm1)))
            p.append(("ALARM2", word(0)))
            p.append(("PREALARM", word(prealarm == 0 ? 1 : prealarm)))
        } else {
            p.append(("INM1", s.running || s.complete ? "0" : "1"))
            p.append(("INM2", s.bolusActive ? "1" : "0"))
            p.append(("INM3", s.running ? "1" : "0"))
            p.append(("INM8", "1"))
            p.append(("INA3", s.occlusion ? "1" : "0"))
            p.append(("INA7", s.complete ? "1" : "0"))
            p.append(("INA12", s.nearEnd ? "1" : "0"))
        }
        return p
    }

    private func word(_ v: UInt32) -> String { "0x" + hex8(Int(v)) }

    private func hex8(_ v: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// `v` with exactly `places` decimals (the wire resolution), rounded half up.
    func fixed(_ v: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let n = Int64((v * scale).rounded())
        guard places > 0 else { return String(n) }
        let whole = n / Int64(scale), frac = n % Int64(scale)
        let f = String(frac)
        return "\(whole).\(String(repeating: "0", count: places - f.count))\(f)"
    }
}
