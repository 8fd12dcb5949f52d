import BedsideScenario
import Testing

@Suite("The shared infusion-session patient")
struct PatientScriptTests {
    let patient = PatientScript(seed: 7)
    typealias T = InfusionSessionTimeline

    @Test("the same seed and time give the same values; another seed differs")
    func deterministic() {
        #expect(patient.vitals(at: 1234.5) == PatientScript(seed: 7).vitals(at: 1234.5))
        #expect(patient.vitals(at: 1234.5) != PatientScript(seed: 8).vitals(at: 1234.5))
    }

    @Test("the loading dose raises heart rate and blood pressure, and they settle by the end")
    func loadingDoseReaction() {
        let before = patient.vitals(at: T.loadingDoseStart - 1)
        let peak = patient.vitals(at: T.maintenanceStart)
        let end = patient.vitals(at: T.duration)
        #expect(before.heartRate < 76 && peak.heartRate > 105 && end.heartRate < 80)
        #expect(before.systolic < 126 && peak.systolic > 150 && end.systolic < 132)
        #expect(peak.diastolic > before.diastolic + 12)
    }

    @Test("SpO2 falls below 90 % during the desaturation, and only then")
    func desaturation() {
        let lowest = stride(from: 0.0, through: T.duration, by: 1).map { patient.vitals(at: $0).spo2 }
        let below90 = stride(from: 0.0, through: T.duration, by: 1).filter { patient.vitals(at: $0).spo2 < 90 }
        #expect(lowest.min()! < 90)
        #expect(below90.allSatisfy { $0 >= T.desaturationStart && $0 < T.resumeTitratedDown + 60 })
        #expect(patient.vitals(at: T.duration).spo2 > 95)
    }

    @Test("the probe is off only between probeOff and probeBackOn")
    func probeOff() {
        #expect(patient.oximeterProbe(at: T.probeOff - 0.001) == .onPatient)
        #expect(patient.oximeterProbe(at: T.probeOff) == .off)
        #expect(patient.oximeterProbe(at: T.probeBackOn) == .onPatient)
    }

    @Test("cuff cycles: measuring while inflated, a result once per cycle, one cuff error")
    func cuff() {
        #expect(patient.cuffState(at: T.firstCuffStart - 1) == .init(measuring: false, last: nil))
        #expect(patient.cuffState(at: T.firstCuffStart + 1).measuring)
        let first = patient.cuffState(at: T.firstCuffStart + T.cuffDuration)
        #expect(!first.measuring && first.last?.cycle == 0)
        if case .measured(let sys, let dia, let map, _)? = first.last?.outcome {
            #expect(sys > dia && map > dia && map < sys)
        } else {
            Issue.record("first determination should have values")
        }
        let failing = patient.cuffDetermination(cycle: T.failingCuffCycle)
        #expect(failing.outcome == .cuffError)
        let during = patient.cuffState(at: failing.started + 1)
        #expect(during.measuring && during.last?.cycle == T.failingCuffCycle - 1)
    }
}
