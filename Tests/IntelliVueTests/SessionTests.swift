import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// The driver's session state machine, driven with monitor bytes on a virtual clock.
@Suite struct SessionTests {
    struct Harness {
        var driver: IntelliVueDriver
        var run = DriverRun()
        var sent: [[UInt8]] = []

        init(_ configuration: DriverConfiguration = DriverConfiguration()) {
            driver = IntelliVueDriver(configuration: configuration)
        }

        mutating func collect(_ out: inout DriverOutput) {
            var d = IntelliVueFrameDecoder()
            out.transmit.withUnsafeBytes { raw in
                var i = 0
                while let e = d.next(in: raw, from: &i) { if e == .frame { sent.append(d.message) } }
            }
            run.absorb(&out)
        }

        mutating func start(_ at: Double) { var o = DriverOutput(); driver.start(now: t(at), into: &o); collect(&o) }
        mutating func tick(_ at: Double) { var o = DriverOutput(); driver.tick(now: t(at), into: &o); collect(&o) }
        mutating func stop(_ at: Double) { var o = DriverOutput(); driver.stop(now: t(at), into: &o); collect(&o) }
        mutating func monitor(_ message: [UInt8], _ at: Double) {
            var o = DriverOutput()
            driver.receive(IntelliVueFrameEncoder.frame(message), now: t(at), into: &o)
            collect(&o)
        }
        /// Ticks at every deadline up to `at`.
        mutating func run(until at: Double) {
            while let d = run.lastDeadline, d <= t(at) { tick(Double(d.nanoseconds(since: t(0))) / 1e9) }
        }
        /// Link event kinds, without the `.error` the driver adds when the (simulated) MDS says demo mode.
        var links: [LinkEvent.Kind] { run.links.filter { !($0.kind == .error && $0.detail?.contains("DEMO mode") == true) }.map(\.kind) }
    }

    static let aare = AssociationMessages.associationResponse(IntelliVuePollProfile(
        minimumPollPeriodTicks: 800_000, maximumMTUReceive: 996, maximumMTUTransmit: 996, extensionOptions: 0x8800_0000, isServer: true))

    static func mdsCreate(invoke: UInt16 = 7) -> [UInt8] {
        let sim = IntelliVueSimulator(configuration: SimulatorConfiguration())
        return MonitorMessages.mdsCreate(invokeID: invoke, relativeTime: 1000, attributes: sim.mdsAttributes(t(0), full: false))
    }

    /// Start → associated, returning the harness at t = 2 s.
    static func associated(_ configuration: DriverConfiguration = DriverConfiguration()) -> Harness {
        var h = Harness(configuration)
        h.start(0)
        h.tick(1)
        h.monitor(aare, 1.1)
        h.monitor(mdsCreate(), 1.2)
        return h
    }

    @Test func associationSequence() {
        var h = Harness()
        h.start(0)
        #expect(h.sent == [AssociationMessages.releaseRequest])
        #expect(h.driver.stateName == "releasing-stale")
        h.tick(1)
        #expect(h.sent.last?.first == Nomenclature.SPDU.connect)
        #expect(h.links == [.requesting])
        h.monitor(Self.aare, 1.1)
        #expect(h.links == [.requesting, .connected])
        #expect(h.driver.stateName == "awaiting-mds-create")
        h.monitor(Self.mdsCreate(invoke: 7), 1.2)
        #expect(h.driver.stateName == "associated")
        // The MDS create result mirrors the monitor's invoke id (7) and comes first.
        let result = h.sent[2]
        #expect(result == DataExportRequests.eventReportResult(invokeID: 7, object: (0x21, 0, 0), currentTime: 0, eventType: 0x0d06))
        // Then the periodic polls of numerics and alerts and the wave priority list (4 frames at once).
        let commands = h.sent.dropFirst(3).map { $0[11] }
        #expect(commands == [Nomenclature.Command.confirmedAction, Nomenclature.Command.confirmedAction, Nomenclature.Command.confirmedSet].map(UInt8.init))
        #expect(h.sent.dropFirst(3).prefix(2).map { Array($0[24..<26]) } == [[0xf1, 0x3b], [0xf1, 0x3b]])
        #expect(h.sent.dropFirst(3).prefix(2).map { $0[33] } == [0x06, 0x36])
        #expect(h.run.identity.model == "Philips M8000-SIM")
    }

    @Test func unansweredAssociationRetriesWarnsAndReleasesAgain() {
        var h = Harness()
        h.start(0)
        h.run(until: 12)
        let aarqs = h.sent.filter { $0.first == Nomenclature.SPDU.connect }.count
        #expect(aarqs == 6)  // at 1, 3, 5, 7, 9, then a release at 11 and the next request at 12
        #expect(h.sent.filter { $0 == AssociationMessages.releaseRequest }.count == 2)
        #expect(h.links.filter { $0 == .error }.count == 1)
        #expect(h.run.links.first { $0.kind == .error }?.detail?.contains("DtOut1") == true)
        #expect(h.links.filter { $0 == .requesting }.count == 1)
    }

    @Test func refuseReleasesThenRetries() {
        var h = Harness()
        h.start(0); h.tick(1)
        h.monitor(AssociationMessages.refuse, 1.1)
        #expect(h.links.last == .disconnected)
        #expect(h.sent.last == AssociationMessages.releaseRequest)
        #expect(h.driver.stateName == "releasing-stale")
        h.run(until: 2.2)
        #expect(h.sent.last?.first == Nomenclature.SPDU.connect)
    }

    @Test func releaseResponseToTheStaleReleaseAssociatesAtOnce() {
        var h = Harness()
        h.start(0)
        h.monitor(AssociationMessages.releaseResponse, 0.1)
        #expect(h.sent.last?.first == Nomenclature.SPDU.connect)
        #expect(h.driver.stateName == "associating")
    }

    @Test func keepAliveRenewalAndTimeAnchorPolls() {
        var h = Self.associated()
        // Keep feeding the monitor's periodic data so the link is not silent.
        let rors = bytes("e1 00 00 02 00 02 00 2a 00 08 00 07 00 24 00 21 00 00 00 00 f1 3b 00 1a 00 00 00 00 a5 bd cd 00 ff ff ff ff ff ff ff ff 00 01 00 06 08 11 00 00 00 00")
        var sendTimes: [Double] = []
        var kinds: [(Double, [UInt8])] = []
        var last = h.sent.count
        for step in 0..<1800 {  // 180 s in 100 ms steps
            let now = 1.2 + Double(step) * 0.1
            if step % 10 == 0 { h.monitor(rors, now) } else { h.tick(now) }
            if h.sent.count > last {
                sendTimes.append(now)
                for m in h.sent[last...] { kinds.append((now, m)) }
                last = h.sent.count
            }
        }
        #expect(h.driver.stateName == "associated")
        // Something is sent at least every 5 s (keep-alive), never faster than the pacing allows.
        let gaps = zip(sendTimes, sendTimes.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 <= 5.0 + 1e-9 })
        func times(_ cls: UInt8, _ action: UInt8) -> [Double] {
            kinds.filter { $0.1.count > 33 && $0.1[24] == action && $0.1[33] == cls }.map(\.0)
        }
        let numerics = times(0x06, 0xf1), alerts = times(0x36, 0xf1), mds = times(0x21, 0x0c)
        // Periodic polls (active 60 s, first sent at association) are renewed every 45 s, before they expire.
        #expect(numerics.first.map { $0 - 1.2 < 60 } == true)
        #expect(numerics.count >= 3)
        #expect(zip(numerics, numerics.dropFirst()).allSatisfy { $1 - $0 < 60 })
        #expect(alerts.count >= 3)
        // The MDS is polled every 60 s for the time anchor.
        #expect(mds.count >= 3)
        #expect(zip(mds, mds.dropFirst()).allSatisfy { abs($1 - $0 - 60) < 1.1 })
        #expect(h.run["requests.keep-alives"] > 20)
        // Never two polls of the same object class within a second.
        let alertMonitorPolls = kinds.filter { $0.1.count > 33 && $0.1[33] == 0x36 }.map(\.0)
        #expect(zip(alertMonitorPolls, alertMonitorPolls.dropFirst()).allSatisfy { $1 - $0 >= 1 - 1e-9 })
    }

    /// `DriverOutput.reset()` clears the deadline, so every call must state it again while a timer
    /// is running (association retries, polls, keep-alive, release resends).
    @Test func everyCallStatesItsDeadline() {
        var h = Harness()
        h.start(0)
        #expect(h.run.lastDeadline != nil)
        h.tick(1)
        #expect(h.run.lastDeadline != nil)
        h.monitor(Self.aare, 1.1)
        #expect(h.run.lastDeadline != nil)
        h.monitor(Self.mdsCreate(), 1.2)
        #expect(h.run.lastDeadline != nil)
        let rors = bytes("e1 00 00 02 00 02 00 2a 00 08 00 07 00 24 00 21 00 00 00 00 f1 3b 00 1a 00 00 00 00 a5 bd cd 00 ff ff ff ff ff ff ff ff 00 01 00 06 08 11 00 00 00 00")
        for step in 1...100 {
            if step % 7 == 0 { h.monitor(rors, 1.2 + Double(step) * 0.1) } else { h.tick(1.2 + Double(step) * 0.1) }
            #expect(h.run.lastDeadline != nil, "step \(step)")
        }
        h.stop(12)
        #expect(h.run.lastDeadline != nil)  // release resend
        h.monitor(AssociationMessages.releaseResponse, 12.1)
        #expect(h.run.lastDeadline == nil && h.driver.stateName == "stopped")
    }

    @Test func silenceReleasesAndReassociates() {
        var h = Self.associated()
        h.run(until: 6.3)
        #expect(h.links.last == .silent)
        #expect(h.run.links.last?.detail?.contains("5 s") == true)
        #expect(h.sent.last == AssociationMessages.releaseRequest)
        h.run(until: 7.3)
        #expect(h.sent.last?.first == Nomenclature.SPDU.connect)
        #expect(h.driver.stateName == "associating")
    }

    @Test func abortFromTheMonitorReassociates() {
        var h = Self.associated()
        h.monitor(AssociationMessages.abort, 2)
        #expect(h.links.last == .disconnected)
        #expect(h.driver.stateName == "associating")
        h.run(until: 3.01)
        #expect(h.sent.last?.first == Nomenclature.SPDU.connect)
    }

    @Test func releaseByTheMonitorIsAnswered() {
        var h = Self.associated()
        h.monitor(AssociationMessages.releaseRequest, 2)
        #expect(h.sent.last == AssociationMessages.releaseResponse)
        #expect(h.links.last == .disconnected)
    }

    @Test func missingMDSCreateTimesOut() {
        var h = Harness()
        h.start(0); h.tick(1)
        h.monitor(Self.aare, 1.1)
        h.run(until: 11.2)
        #expect(h.links.suffix(1) == [.silent])
        #expect(h.sent.last == AssociationMessages.releaseRequest)
    }

    @Test func stopReleasesAndResends() {
        var h = Self.associated()
        h.stop(3)
        #expect(h.sent.last == AssociationMessages.releaseRequest)
        #expect(h.links.last == .stopped)
        h.run(until: 10)
        #expect(h.sent.filter { $0 == AssociationMessages.releaseRequest }.count == 1 + 3)  // stale release + 3 on stop
        #expect(h.driver.stateName == "stopped")
        #expect(h.run["release.unconfirmed"] == 1)

        var g = Self.associated()
        g.stop(3)
        g.monitor(AssociationMessages.releaseResponse, 3.1)
        #expect(g.driver.stateName == "stopped")
        #expect(g.run["release.confirmed"] == 1)
    }

    @Test func errorResultIsReportedAndTheRequestRetried() {
        var h = Self.associated()
        let invoke = UInt16(h.sent[3][8]) << 8 | UInt16(h.sent[3][9])  // the numerics poll
        h.monitor(MonitorMessages.error(invokeID: invoke, errorValue: 10), 1.5)
        #expect(h.run.links.last?.detail?.contains("numerics request with PROCESSING_FAILURE; retrying") == true)
        let before = h.sent.count
        h.run(until: 3.6)
        #expect(h.sent[before...].contains { $0.count > 33 && $0[24] == 0xf1 && $0[33] == 0x06 })
    }

    @Test func listenOnlyNeverTransmitsAndTracksTheLink() {
        var h = Harness(DriverConfiguration(transmitEnabled: false))
        h.start(0)
        h.monitor(Self.aare, 0.5)
        h.monitor(Self.mdsCreate(), 0.6)
        #expect(h.run.transmitted.isEmpty)
        #expect(h.links == [.connected])
        #expect(h.run.identity.model == "Philips M8000-SIM")
        h.run(until: 6)
        #expect(h.links == [.connected, .silent])
        h.monitor(Self.mdsCreate(), 7)
        #expect(h.links == [.connected, .silent, .connected])
        h.stop(8)
        #expect(h.run.transmitted.isEmpty)
        #expect(h.links.last == .stopped)
    }
}
