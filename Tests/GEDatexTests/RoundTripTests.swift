import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

@Suite("GE simulator ↔ driver round trip")
struct RoundTripTests {
    struct Run {
        var observations: [Observation] = []
        var simulator: GEDatexSimulator
        var quietAfterStop = true
    }

    /// Runs driver and simulator against each other on a virtual clock; bytes arrive instantly.
    static func run(speed: Double, hostSeconds: Double, seed: UInt64 = 7, options: [String: String] = [:],
                    driverConfiguration: DriverConfiguration = .init()) -> Run {
        var driver = GEDatexDriver(configuration: driverConfiguration)
        var simulator = GEDatexSimulator(configuration: SimulatorConfiguration(seed: seed, scenarioSpeed: speed, options: options))
        var dOut = DriverOutput()
        var sOut = SimulatorOutput()
        var observations: [Observation] = []
        var driverDeadline: Timestamp?
        var simulatorDeadline: Timestamp?
        var now = t0
        simulator.start(now: now, into: &sOut)
        simulatorDeadline = sOut.nextDeadline
        driver.start(now: now, into: &dOut)
        let end = seconds(hostSeconds)

        func pump() {
            // Exchange bytes until both sides are quiet at this instant.
            while !dOut.transmit.isEmpty || !sOut.transmit.isEmpty {
                if !dOut.transmit.isEmpty {
                    let bytes = dOut.transmit
                    observations += dOut.observations
                    driverDeadline = dOut.nextDeadline
                    dOut.reset()
                    dOut.observations.removeAll()
                    simulator.receive(bytes, now: now, into: &sOut)
                    simulatorDeadline = sOut.nextDeadline
                }
                if !sOut.transmit.isEmpty {
                    let bytes = sOut.transmit
                    simulatorDeadline = sOut.nextDeadline
                    sOut.reset()
                    driver.receive(bytes, now: now, into: &dOut)
                }
            }
            observations += dOut.observations
            if dOut.nextDeadline != nil || dOut.observations.isEmpty { driverDeadline = dOut.nextDeadline }
            dOut.reset()
        }
        driverDeadline = dOut.nextDeadline
        pump()
        while true {
            let candidates = [driverDeadline, simulatorDeadline].compactMap { $0 }
            guard let next = candidates.min(), next <= end else { break }
            now = next
            if let d = simulatorDeadline, d <= now {
                simulator.tick(now: now, into: &sOut)
                simulatorDeadline = sOut.nextDeadline
            }
            if let d = driverDeadline, d <= now {
                driver.tick(now: now, into: &dOut)
                driverDeadline = dOut.nextDeadline
            }
            pump()
        }
        now = end
        driver.stop(now: now, into: &dOut)
        pump()
        var result = Run(observations: observations, simulator: simulator)
        // After the stop requests the simulator must stay quiet.
        simulator.tick(now: end.adding(seconds: 3600), into: &sOut)
        result.quietAfterStop = sOut.transmit.isEmpty && sOut.nextDeadline == nil
        return result
    }

    @Test("one hour at 12× speed: scripted vitals come back exactly; NIBP once per cycle; simulator stops")
    func hour() throws {
        let speed = 12.0
        let run = Self.run(speed: speed, hostSeconds: GEDatexScenario.durationSeconds / speed)
        let scenario = run.simulator.scenario
        #expect(run.quietAfterStop)
        let links = run.observations.links.map(\.kind)
        #expect(links == [.requesting, .connected, .stopped])

        let numerics = run.observations.numerics
        func readings(_ code: String) -> [NumericReading] { numerics.filter { $0.metric.vendorCode == code } }
        func expectedVitals(_ r: NumericReading) -> GEDatexScenario.Vitals {
            scenario.vitals(at: run.simulator.scenarioTime(at: r.hostTime))
        }
        let hr = readings("ge:basic.ecg.hr")
        #expect(hr.count >= 60)
        for r in hr {
            #expect(r.value == DecimalValue(raw: Int(expectedVitals(r).heartRate), exponent: 0))
            // The group's HR is the monitor's selected-source rate; the simulator selects ECG.
            #expect(r.metric.referenceID == "MDC_PULS_RATE")
            #expect(r.source == "ECG")
            #expect(r.unitCode == 264864)
            #expect(r.containment?.path == "1.1.1.1")
            #expect(r.state == .valid)
            #expect(r.unit == "/min")
            #expect(r.deviceTime?.instant == Timestamp(secondsSinceEpoch: r.hostTime.secondsSinceEpoch))
        }
        // The script's shape: baseline, plateau, settled.
        let values = hr.map { Int($0.value!.mantissa) }
        #expect(values.first.map { (70...74).contains($0) } == true)
        #expect(values.max().map { (95...97).contains($0) } == true)
        #expect(values.last.map { (77...79).contains($0) } == true)
        for r in readings("ge:basic.spo2.spo2") {
            #expect(r.value == DecimalValue(raw: Int(expectedVitals(r).spo2), exponent: -2))
            #expect(r.unit == "%")
            #expect(r.state == .valid)
        }
        for r in readings("ge:basic.co2.et") {
            #expect(r.value == DecimalValue(raw: Int(expectedVitals(r).etCO2), exponent: -2))
        }
        for r in readings("ge:basic.t1.temp") {
            #expect(r.value == DecimalValue(raw: Int(expectedVitals(r).temperature), exponent: -2))
            #expect(r.metric.referenceID == "MDC_TEMP_TYMP")
            #expect(r.unit == "Cel")
        }
        for r in readings("ge:basic.ecg.imp_rr") {
            #expect(r.value == DecimalValue(raw: Int(expectedVitals(r).impedanceRespirationRate), exponent: 0))
        }
        // NIBP: what the screen shows at connection (no result yet: the first cuff cycle is
        // running), then exactly one result per completed cuff cycle, in order, fresh, episodic, with
        // the time of the first record that showed it (the scenario's completion time, rounded up
        // to the simulator's next record).
        let allSys = readings("ge:basic.nibp.sys")
        let onScreen = try #require(allSys.first)
        #expect(onScreen.state == .absent && onScreen.value == nil)
        let sys = Array(allSys.dropFirst())
        let cycles = Int(GEDatexScenario.durationSeconds / GEDatexScenario.cuffPeriodSeconds)
        #expect(sys.count == cycles)
        for (k, r) in sys.enumerated() {
            let expected = scenario.cuffResult(cycle: k)
            #expect(r.value == DecimalValue(raw: Int(expected.systolic), exponent: -2))
            #expect(r.state == .valid)
            #expect(r.episodic)
            #expect(r.mode == "auto")
            #expect(r.site == "adult cuff")
            #expect(r.metric.referenceID == "MDC_PRESS_BLD_NONINV_SYS")
            let measured = try #require(r.deviceTime)
            #expect(measured.instant == Timestamp(secondsSinceEpoch: r.hostTime.secondsSinceEpoch))
            let scenarioMeasured = run.simulator.scenarioTime(at: r.hostTime)
            #expect(scenarioMeasured >= expected.completedAt && scenarioMeasured <= expected.completedAt + 5 * speed, "within one 5-s record interval")
        }
        let dia = Array(readings("ge:basic.nibp.dia").dropFirst())
        let mean = Array(readings("ge:basic.nibp.mean").dropFirst())
        #expect(dia.count == cycles && mean.count == cycles)
        for k in 0..<min(dia.count, mean.count) {
            #expect(dia[k].value == DecimalValue(raw: Int(scenario.cuffResult(cycle: k).diastolic), exponent: -2))
            #expect(mean[k].value == DecimalValue(raw: Int(scenario.cuffResult(cycle: k).mean), exponent: -2))
        }
        // Absent modules are reported when they become absent and then once a minute of host time,
        // not every record: 5 minutes of host time here.
        let absentP1 = readings("ge:basic.p1.sys")
        #expect(absentP1.count == 5 || absentP1.count == 6)
        #expect(absentP1.allSatisfy { $0.state == .absent && $0.value == nil })
        for (a, b) in zip(absentP1, absentP1.dropFirst()) {
            #expect(b.hostTime.nanoseconds(since: a.hostTime) >= 60_000_000_000)
        }

        // Waveforms: ECG1 (lead II), PLETH, CO2 at their rates with act_len samples each second.
        let waves = run.observations.waveforms
        let ecg = waves.filter { $0.metric.vendorCode == "ge:wave.ecg1" }
        #expect(ecg.count >= 290)
        #expect(ecg.allSatisfy { $0.samples.count == 300 && $0.samplePeriodNanoseconds == 3_333_333 })
        #expect(ecg.last?.displayLabel == "II")
        #expect(ecg.last?.metric.referenceID == "MDC_ECG_ELEC_POTL_II")
        let pleth = waves.filter { $0.metric.vendorCode == "ge:wave.pleth" }
        #expect(pleth.allSatisfy { $0.samples.count == 100 && $0.samplePeriodNanoseconds == 10_000_000 })
        let co2 = waves.filter { $0.metric.vendorCode == "ge:wave.co2" }
        #expect(co2.allSatisfy { $0.samples.count == 25 && $0.metric.referenceID == "MDC_AWAY_CO2" })
        #expect(co2.contains { $0.samples.contains { ($0 ?? 0) > 400 } })
    }

    @Test("the same seed gives the same session; another seed differs")
    func deterministic() {
        let a = Self.run(speed: 60, hostSeconds: 120, seed: 3).observations.numerics.map(\.value)
        let b = Self.run(speed: 60, hostSeconds: 120, seed: 3).observations.numerics.map(\.value)
        let c = Self.run(speed: 60, hostSeconds: 120, seed: 4).observations.numerics.map(\.value)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("corrupt-every=3: the driver counts bad frames and forwards only values from intact ones")
    func corruption() {
        let run = Self.run(speed: 12, hostSeconds: 120, options: ["corrupt-every": "3"],
                           driverConfiguration: DriverConfiguration(waveformsEnabled: false))
        let hr = run.observations.numerics.filter { $0.metric.vendorCode == "ge:basic.ecg.hr" }
        #expect(!hr.isEmpty)
        for r in hr {
            let v = run.simulator.scenario.vitals(at: run.simulator.scenarioTime(at: r.hostTime))
            #expect(r.value == DecimalValue(raw: Int(v.heartRate), exponent: 0))
        }
        // 25 records (t = 0, 5, …, 120 s); frames 3, 6, …, 24 corrupted.
        #expect(hr.count == 17)
    }
}
