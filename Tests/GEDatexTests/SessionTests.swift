import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

@Suite("GE session on a virtual clock")
struct SessionTests {
    func started(_ configuration: DriverConfiguration = .init()) -> (GEDatexDriver, DriverOutput) {
        var driver = GEDatexDriver(configuration: configuration)
        var out = DriverOutput()
        driver.start(now: t0, into: &out)
        return (driver, out)
    }

    /// A PHDB record from the simulator, framed.
    func monitorRecord(at time: Timestamp, level: UInt8 = 10) -> [UInt8] {
        let sim = GEDatexSimulator(configuration: .init())
        let sub = sim.classBody(.basic, scenarioTime: 0).subrecord(time: UInt32(time.secondsSinceEpoch), driLevel: level)
        return GEDatexFrameEncoder.frame(record: GEDatexRecordBuilder.phdb(
            subrecords: [sub], number: 0, driLevel: level, time: UInt32(time.secondsSinceEpoch)))
    }

    @Test("start sends displayed values at level 0 (5 s, basic+ext1–3) and ECG1+PLETH+CO2 waves")
    func levelZeroFirst() throws {
        let (_, out) = started()
        let records = decodeFrames(out.transmit)
        try #require(records.count == 2)
        #expect(records[0].header.driLevel == 0)
        #expect(records[0].header.mainType == .physiological)
        #expect(records[0].interval == 5)
        #expect(records[0].classBits == 0x0E)
        #expect(records[1].header.mainType == .waveform)
        #expect(records[1].waveCommand == 0)
        #expect(records[1].waveIDs == [1, 8, 9])
        #expect(out.observations.links.map(\.kind) == [.requesting])
        #expect(out.nextDeadline == seconds(10))
    }

    @Test("interval from the configuration; waves off when disabled")
    func configuredInterval() throws {
        let (_, out) = started(DriverConfiguration(updateIntervalSeconds: 10, waveformsEnabled: false))
        let records = decodeFrames(out.transmit)
        #expect(records.count == 1)
        #expect(records.first?.interval == 10)
        #expect(out.nextDeadline == seconds(20))
    }

    @Test("silence after the level-0 request leads to the level sweep 11…7, then an error with advice")
    func sweep() throws {
        var (driver, out) = started()
        out.reset()
        driver.tick(now: seconds(9), into: &out)
        #expect(out.transmit.isEmpty)
        #expect(out.nextDeadline == seconds(10), "every call states the deadline again")
        out.reset()
        driver.tick(now: seconds(10), into: &out)
        let levels = decodeFrames(out.transmit).filter { $0.header.mainType == .physiological }.map(\.header.driLevel)
        #expect(levels == [11, 10, 9, 8, 7])
        #expect(out.observations.links.map(\.kind) == [.requesting])
        let next = try #require(out.nextDeadline)
        out.reset()
        driver.tick(now: next, into: &out)
        let kinds = out.observations.links.map(\.kind)
        #expect(kinds.contains(.error))
        #expect(out.observations.links.first { $0.kind == .error }?.detail?.contains("19200") == true)
        #expect(!out.transmit.isEmpty)
    }

    @Test("first record: connected; silence of max(3×interval, 15 s): silent + re-request at the known level")
    func connectedThenSilent() throws {
        var (driver, out) = started()
        out.reset()
        driver.receive(monitorRecord(at: seconds(2)), now: seconds(2), into: &out)
        #expect(out.observations.links.map(\.kind) == [.connected])
        #expect(out.nextDeadline == seconds(17))
        out.reset()
        driver.receive(monitorRecord(at: seconds(7)), now: seconds(7), into: &out)
        #expect(out.observations.links.isEmpty)
        #expect(out.nextDeadline == seconds(22))
        out.reset()
        driver.tick(now: seconds(21.9), into: &out)
        #expect(out.observations.links.isEmpty)
        driver.tick(now: seconds(22), into: &out)
        #expect(out.observations.links.map(\.kind) == [.silent])
        let requests = decodeFrames(out.transmit).filter { $0.header.mainType == .physiological }
        #expect(requests.map(\.header.driLevel) == [10])
        #expect(requests.first?.interval == 5)
        out.reset()
        driver.receive(monitorRecord(at: seconds(25)), now: seconds(25), into: &out)
        #expect(out.observations.links.map(\.kind) == [.connected])
    }

    @Test("stop sends interval 0 / class 0 and a waveform stop at the level in use")
    func stop() throws {
        var (driver, out) = started()
        driver.receive(monitorRecord(at: seconds(1)), now: seconds(1), into: &out)
        out.reset()
        driver.stop(now: seconds(3), into: &out)
        let records = decodeFrames(out.transmit)
        let stops = records.filter { $0.header.mainType == .physiological }
        #expect(Set(stops.map(\.header.driLevel)) == [0, 10])
        #expect(stops.allSatisfy { $0.interval == 0 && $0.classBits == 0 })
        #expect(records.contains { $0.waveCommand == 1 })
        #expect(out.observations.links.map(\.kind) == [.stopped])
        #expect(out.nextDeadline == nil)
    }

    @Test("transmit disabled: nothing is ever transmitted, data still decodes")
    func listenOnly() throws {
        var (driver, out) = started(DriverConfiguration(transmitEnabled: false))
        var transmitted: [UInt8] = out.transmit
        out.reset()
        driver.tick(now: seconds(60), into: &out)
        driver.receive(monitorRecord(at: seconds(61)), now: seconds(61), into: &out)
        #expect(out.observations.links.map(\.kind) == [.connected])
        #expect(!out.observations.numerics.isEmpty)
        transmitted += out.transmit
        out.reset()
        driver.tick(now: seconds(200), into: &out)
        #expect(out.observations.links.map(\.kind) == [.silent])
        transmitted += out.transmit
        driver.stop(now: seconds(201), into: &out)
        transmitted += out.transmit
        #expect(transmitted.isEmpty)
    }

    @Test("many bad frames in a row raise one error event")
    func badFrames() throws {
        var (driver, out) = started()
        out.reset()
        var garbage: [UInt8] = []
        for k in 0..<10 { garbage += [0x7E] + [UInt8](repeating: UInt8(k), count: 60) }
        garbage.append(0x7E)
        driver.receive(garbage, now: seconds(1), into: &out)
        #expect(out.observations.links.filter { $0.kind == .error }.count == 1)
        #expect(out.counters["frames.length-error", default: 0] + out.counters["frames.checksum-error", default: 0] == 10)
    }
}
