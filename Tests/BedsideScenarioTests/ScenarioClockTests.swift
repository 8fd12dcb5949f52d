import BedsideScenario
import Testing

@Suite("Scenario clock of the pump simulators")
struct ScenarioClockTests {
    static let second: Int64 = 1_000_000_000

    @Test("power-on: scenario time runs from the start at the scenario speed")
    func fromPowerOn() {
        var clock = ScenarioClock(options: ["start": "100"], speed: 2)
        #expect(clock.seconds(at: 5 * Self.second) == 100)
        clock.powerOn(at: 10 * Self.second)
        clock.poll(at: 20 * Self.second)
        #expect(clock.seconds(at: 13 * Self.second) == 106)
        #expect(clock.problems.isEmpty)
    }

    @Test("first-poll: nothing moves until the host asks, then real time at the speed")
    func fromFirstPoll() {
        var clock = ScenarioClock(options: ["start": "2665", "clock": "first-poll"], speed: 1)
        clock.powerOn(at: 0)
        #expect(clock.seconds(at: 50 * Self.second) == 2665)
        clock.poll(at: 50 * Self.second)
        clock.poll(at: 51 * Self.second)
        #expect(clock.seconds(at: 60 * Self.second) == 2675)
    }

    @Test("per-poll: each look is one step further whatever time passed between looks")
    func perPoll() {
        var clock = ScenarioClock(options: ["start": "2665", "clock": "per-poll:5"], speed: 1)
        clock.powerOn(at: 0)
        clock.poll(at: 1 * Self.second)
        #expect(clock.seconds(at: 1 * Self.second) == 2665)
        clock.poll(at: 900 * Self.second)
        #expect(clock.seconds(at: 900 * Self.second) == 2670)
        #expect(clock.seconds(at: 5_000 * Self.second) == 2670)
        clock.poll(at: 901 * Self.second)
        #expect(clock.seconds(at: 901 * Self.second) == 2675)
    }

    @Test("malformed options are reported and the clock falls back to power-on", arguments: [
        ["clock": "per-poll:0"], ["clock": "per-poll:nan"], ["clock": "sometimes"], ["start": "soon"],
    ])
    func malformed(options: [String: String]) {
        let clock = ScenarioClock(options: options, speed: 1)
        #expect(clock.problems.count == 1)
        #expect(clock.mode == .fromPowerOn)
    }
}
