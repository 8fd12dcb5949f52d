import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import BedsideScenario
import Testing
@testable import AlarisAsena

@Suite("Asena simulated pump sessions")
struct SimulatorSessionTests {
    static func session(options: [String: String] = [:], toDriverFaults: LinkFaults = .none,
                        toDeviceFaults: LinkFaults = .none) -> DriverSession {
        DriverSession(driver: AlarisAsenaDriver.supervised(configuration: DriverConfiguration()),
                      simulator: AlarisAsenaSimulator(configuration: SimulatorConfiguration(seed: 1, options: options)),
                      seed: 1, toDriverFaults: toDriverFaults, toDeviceFaults: toDeviceFaults)
    }

    static func events(_ s: DriverSession) -> [InfusionEvent] {
        s.observations.compactMap { if case .infusionEvent(let e) = $0 { e } else { nil } }
    }

    /// The script as an Asena pump shows it: no bolus signal (the loading dose is a higher rate).
    static let script: [InfusionEvent.Kind] = [
        .started, .rateChanged, .rateChanged, .paused, .resumed,
        .alarmRaised, .paused, .alarmCleared, .resumed, .nearEnd, .alarmRaised, .completed,
    ]

    @Test("One hour: events follow the script exactly once")
    func fullSession() throws {
        var s = Self.session()
        s.run(seconds: 3590)
        #expect(s.contractViolations.isEmpty)
        #expect(Self.events(s).map(\.kind) == Self.script)
        #expect(s.identity.serialNumber == "8002-51741" && s.identity.softwareVersion == "Asena Rev 2.1.5")
        let rate = try #require(s.numerics.last { $0.metric.referenceID == "MDC_FLOW_FLUID_PUMP" })
        #expect(rate.unit == "mL/h" && rate.unitCode == 265266)
        let occlusion = try #require(s.alarms.first { $0.vendorCode == "AL_OCCLU" && $0.phase == .start })
        #expect(occlusion.event?.code == 196940)
        let channel = try #require(s.observations.compactMap { if case .pumpChannel(let p) = $0 { p } else { nil } }.last)
        #expect(channel.status == .completed && channel.volumeToBeInfused?.unit == "mL")
    }

    @Test("The bridge only sends the read commands, never remote control or programming")
    func readOnly() {
        var s = Self.session(toDriverFaults: LinkFaults(corrupt: 0.05))
        s.run(seconds: 600)
        var decoder = AsenaFrameDecoder()
        let allowed = Set(AsenaCommand.allCases.map(\.rawValue))
        var count = 0
        for chunk in s.transmitted {
            for event in decoder.feed(chunk.bytes) {
                guard case .frame(let fields) = event else { Issue.record("malformed frame sent"); continue }
                #expect(fields.count == 1 && allowed.contains(fields[0]), "\(fields)")
                count += 1
            }
        }
        #expect(decoder.takeDiscarded() == 0)
        #expect(count > 100)
    }

    @Test("Damaged replies: resent, never a value from a bad frame, same events")
    func corruption() {
        var s = Self.session(toDriverFaults: LinkFaults(corrupt: 0.05, split: 0.3))
        s.run(seconds: 3590)
        #expect(s.counters[.checksumErrors, default: 0] > 0)
        #expect(Self.events(s).filter { $0.kind != .communicationChanged }.map(\.kind) == Self.script)
        let rates = Set(s.numerics.filter { $0.metric.referenceID == "MDC_FLOW_FLUID_PUMP" }.compactMap { $0.value?.text })
        #expect(rates.isSubset(of: ["14.70", "3.50", "4.90", "2.80"]), "\(rates)")
    }

    @Test("Cable pulled mid-infusion: stale values, one event each way, no duplicate")
    func unplugged() {
        var s = Self.session(options: ["misbehave": "silence@1000+40"])
        s.run(seconds: 3590)
        let events = Self.events(s)
        #expect(events.filter { $0.kind == .communicationChanged }.map(\.detail) == ["communication lost", "communication restored"])
        #expect(events.filter { $0.kind != .communicationChanged }.map(\.kind) == Self.script)
        #expect(s.numerics.contains { $0.state == .stale })
    }
}
