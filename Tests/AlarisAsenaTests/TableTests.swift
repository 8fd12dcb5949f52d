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
