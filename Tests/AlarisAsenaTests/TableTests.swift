import BedsideDriver
import BedsideModel
import Testing
@testable import AlarisAsena

@Suite("Asena tables")
struct TableTests {
    @Test("The embedded tables load whole")
    func load() {
        let t = AsenaTables.shared
        #expect(t.alarms.count == 23)
        #expect(t.alarms["AL_NOALM"]?.effect == .noAlarm)
        #expect(t.alarms["AL_OCCLU"]?.event?.code == 196940 && t.alarms["AL_OCCLU"]?.confidence == "assumed from the name")
        #expect(t.units["ml/h"]?.mdcCode == 265266 && t.units["mmHg"]?.ucum == "mm[Hg]")
        #expect(t.fields["INF.rate"]?.metric.code == 157784)
    }
}

@Suite("Asena identity")
struct IdentityTests {
    /// Found by fuzzing: two identification replies read in one call must both reach the identity.
    @Test("Serial number and protocol version read in one call are both kept")
    func identityMerged() {
        var driver = AlarisAsenaDriver(configuration: .init(transmitEnabled: false))
        var output = DriverOutput()
        let t = Timestamp(secondsSinceEpoch: 1_800_000_000)
        driver.start(now: t, into: &output)
        driver.receive(Array("!INST_SERIALNO^8002-51740|050B\r!COMMS_PROTOCOL^Asena Rev 2.1.5|661A\r".utf8), now: t, into: &output)
        #expect(output.identity?.serialNumber == "8002-51740")
        #expect(output.identity?.softwareVersion == "Asena Rev 2.1.5")
    }
}
