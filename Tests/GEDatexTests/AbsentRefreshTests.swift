import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

@Suite("Absent fields: forwarded on change and refreshed once a minute")
struct AbsentRefreshTests {
    /// One framed displayed-values record from the simulator (only the basic class has modules;
    /// the invasive pressure channels are absent).
    func framedRecord() -> [UInt8] {
        let simulator = GEDatexSimulator(configuration: SimulatorConfiguration())
        let sub = simulator.classBody(.basic, scenarioTime: 0).subrecord(time: 1_800_000_000, driLevel: 10)
        let record = GEDatexRecordBuilder.phdb(subrecords: [sub], number: 0, driLevel: 10, time: 1_800_000_000)
        var framed: [UInt8] = []
        GEDatexFrameEncoder.append(record: record, to: &framed)
        return framed
    }

    @Test func unchangedAbsentFieldIsRepeatedOnlyAfterAMinute() {
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var output = DriverOutput()
        driver.start(now: seconds(0), into: &output)
        let frame = framedRecord()
        var p1Systolic: [Double] = []
        var heartRates = 0
        for at in [0.0, 5, 30, 59, 61, 65, 125] {
            output.reset()
            driver.receive(frame, now: seconds(at), into: &output)
            for r in output.observations.numerics {
                if r.metric.vendorCode == "ge:basic.p1.sys" {
                    #expect(r.state == .absent && r.value == nil)
                    p1Systolic.append(at)
                }
                if r.metric.vendorCode == "ge:basic.ecg.hr" { heartRates += 1 }
            }
        }
        // Present values go out with every record; the absent one at 0 s, after 60 s, after 120 s.
        #expect(heartRates == 7)
        #expect(p1Systolic == [0, 61, 125])
    }
}
