#if canImport(Glibc)
import BedsidePlatform
import Glibc
#endif
import BedsideDriver
import BedsideModel
import IntelliVue
import NIOCore
import Testing
@testable import BedsideRuntime

/// Faults a real port sees, on real pseudo-terminals: the catalog's simulators hosted by
/// ``SimulatorHost`` on one side, the bridge's pipeline (under ``PortSupervisor``) on the other.
/// No timing assertions: every wait is for an event, under one generous time-out per test.
@Suite("Fault injection on live sessions (pseudo-terminals)", .serialized)
struct FaultInjectionPTYTests {
    static let drivers = DriverCatalog.simulatedDriverNames
    /// Drivers whose protocol shows an instant device swap: a monitor loses its streaming request or
    /// association. A pump answers every poll the same way after a restart (a B. Braun ComDevice's
    /// clock going back is caught, `BBraunBCCTests` "Rack restart"; an Asena pump shows nothing but
    /// its silence while it reboots, `AlarisAsenaTests`), so an instant swap is not a restart to them.
    static let restartVisibleDrivers = drivers.filter { !["bbraun-bcc", "alaris-asena"].contains($0) }
    static let clock = BridgeClock()

    /// The simulators run fast so a session has values within milliseconds.
    static func simulator(_ name: String, seed: UInt64 = 3, speed: Double = 600) throws -> any DeviceSimulator {
        try DriverCatalog.registry.makeSimulator(named: name, configuration: SimulatorConfiguration(seed: seed, scenarioSpeed: speed))
    }

    static func driver(_ name: String) -> any DeviceDriver {
        let configuration = DriverConfiguration(snapshotIntervalNanoseconds: 10_000_000_000)
        if name == IntelliVueDriver.descriptor.name {
            // The driver waits 1 s after releasing a stale association before it associates (a
            // real monitor needs it); the simulator does not, and 100 sessions need not wait 100 s.
            var driver = IntelliVueDriver(configuration: configuration)
            driver.timing.staleReleaseWait = 20_000_000
            return SupervisedDriver(driver, configuration: configuration)
        }
        // Declared options are empty here, so this cannot fail for a catalog driver.
        return try! DriverCatalog.registry.makeDriver(named: name, configuration: configuration)
    }

    static func identity(_ name: String) -> DeviceIdentity {
        DeviceIdentity(driver: name, vendor: "test", port: "pty")
    }

    /// A simulator running on one plug-in of the device.
    struct Plug: Sendable {
        var host: SimulatorHost
        var run: Task<Void, Never>

        func unplug() async {
            host.stop()
            await run.value
        }
    }

    /// Entries of a /proc directory: open descriptors (`fd`) or threads (`task`) of this process.
    static func entries(_ directory: String) -> Int {
        guard let dir = opendir("/proc/self/\(directory)") else { return -1 }
        defer { closedir(dir) }
        var n = -2  // . and ..
        while readdir(dir) != nil { n += 1 }
        return n - (directory == "fd" ? 1 : 0)  // the descriptor opendir itself holds
    }

    static func openDescriptors() -> Int { entries("fd") }
    static func threads() -> Int { entries("task") }

    @Test("unplug and replug 100 times: one `disconnected` and `closed` per unplug, values stale after each, a new session after each replug, nothing leaked",
          arguments: drivers)
    func unplugReplug(name: String) async throws {
        let cycles = 100
        try await withTimeout("\(cycles) unplug/replug cycles of \(name)") {
            let bus = FeedBus()
            var feed = FeedWatcher(bus.subscribe(name: "test", bufferSize: 1 << 20))
            let source = bus.addSource(identity: Self.identity(name))
            let (plugs, plugSink) = AsyncStream<Plug>.makeStream()
            let supervisor = PortSupervisor(
                source: source, clock: Self.clock, retryDelay: .milliseconds(5),
                makeDriver: { Self.driver(name) },
                open: {
                    // Plugging in: a fresh pty with the device on its controller side.
                    let pty = try TestPTY.open()
                    let host = SimulatorHost(simulator: try Self.simulator(name), clock: Self.clock)
                    let controller = try await TestPTY.channel(for: pty.controller)
                    plugSink.yield(Plug(host: host, run: Task { _ = try? await host.run(on: controller) }))
                    return try await TestPTY.channel(for: pty.device)
                })
            var plugIterator = plugs.makeAsyncIterator()
            let supervising = Task { await supervisor.run() }

            // Descriptors and threads are sampled in every session: other suites run in parallel
            // and hold some for a while, so the check compares the least seen over the first ten
            // sessions with the least over the last ten (a leak of one per cycle shows as ~90).
            var descriptors: [Int] = [], threadCounts: [Int] = []
            var rssBefore = 0
            for cycle in 1...cycles {
                let plug = try #require(await plugIterator.next())
                try await feed.until("fresh values in session \(cycle)") { $0.isFresh }
                descriptors.append(Self.openDescriptors())
                threadCounts.append(Self.threads())
                if cycle == 1 { rssBefore = ProcessUsage.residentBytes() ?? 0 }
                await plug.unplug()
                try await feed.until("`closed` after unplug \(cycle)") { $0.observation.linkKind == .closed }
            }
            supervisor.stop()
            _ = await supervising.value
            plugSink.finish()
            while let p = await plugIterator.next() { await p.unplug() }
            bus.finish()
            try await feed.until("the end of the feed") { _ in false }

            // One `disconnected` per unplug; more only when a monitor ended its association on its
            // own (the simulators run 600× fast, so a stalled machine ages a monitor's association
            // timer quickly), which the driver reports and recovers from within the session.
            #expect(feed.links[.disconnected, default: 0] >= cycles, "\(feed.links)")
            #expect(feed.links[.disconnected, default: 0] - feed.protocolDisconnects == cycles, "\(feed.links)")
            // Each unplug closes the port once; the final stop closes the last session.
            #expect(feed.links[.closed, default: 0] == cycles + feed.links[.stopped, default: 0], "\(feed.links)")
            #expect(feed.links[.opened, default: 0] >= cycles, "\(feed.links)")
            #expect(feed.links[.connected, default: 0] >= cycles, "\(feed.links)")
            #expect(feed.unplugsWithStaleMarks == cycles, "values marked stale after \(feed.unplugsWithStaleMarks) of \(cycles) unplugs")
            #expect(feed.freshWhileUnplugged.isEmpty,
                    "fresh values with the device unplugged: \(feed.freshWhileUnplugged.prefix(3)); link events before the first: \(feed.linksBeforeFirstFreshWhileUnplugged)")
            #expect(feed.seqGaps == 0)

            // Nothing left behind: every session's tasks ended (awaited above), descriptors and
            // threads do not grow with the sessions, memory bounded.
            let fdsBefore = descriptors.prefix(10).min() ?? 0, fdsAfter = descriptors.suffix(10).min() ?? 0
            #expect(fdsAfter - fdsBefore <= 20, "descriptors \(fdsBefore) → \(fdsAfter): \(descriptors)")
            let threadsBefore = threadCounts.prefix(10).min() ?? 0, threadsAfter = threadCounts.suffix(10).min() ?? 0
            #expect(threadsAfter - threadsBefore <= 8, "threads \(threadsBefore) → \(threadsAfter): \(threadCounts)")
            let rssAfter = ProcessUsage.residentBytes() ?? 0
            #expect(rssAfter - rssBefore < 128 << 20, "resident memory \(rssBefore >> 20) → \(rssAfter >> 20) MiB")
        }
    }

    @Test("the device restarts mid-session: the driver re-requests, old alarms end, no old value stays current",
          arguments: restartVisibleDrivers)
    func deviceRestart(name: String) async throws {
        try await withTimeout("a restart of the \(name) device") {
            let pty = try TestPTY.open()
            defer { close(pty.controller) }
            let bus = FeedBus()
            var feed = FeedWatcher(bus.subscribe(name: "test", bufferSize: 1 << 20))
            let pipeline = PortPipeline(driver: Self.driver(name), source: bus.addSource(identity: Self.identity(name)), clock: Self.clock)
            let first = try await Self.powerOn(name, seed: 3, controller: pty.controller)
            let running = Task { try await pipeline.run(on: try await TestPTY.channel(for: pty.device)) }
            try await feed.until("fresh values from the first device") { $0.isFresh }
            if name == "intellivue" {
                // Its scripted patient raises HR High within seconds at this speed.
                try await feed.until("an alarm from the first device") { $0.alarm?.phase == .start }
            }
            await first.unplug()
            let restartSeq = bus.lastSeq
            // A device without a session — polled statelessly (DINAMAP) or talking on its own (the
            // oximeters) — shows a restart only as the gap while it is off: the new one is powered
            // on once the bridge has reported that gap. Session protocols see the restart itself.
            let sessionless = ["ge-dinamap", "masimo-ascii", "nonin"].contains(name)
            if sessionless {
                try await feed.until("`silent` while the device is off") { $0.observation.linkKind == .silent && $0.seq > restartSeq }
            }
            let second = try await Self.powerOn(name, seed: 4, controller: pty.controller)
            if !sessionless {
                try await feed.until("`silent` after the restart") { $0.observation.linkKind == .silent && $0.seq > restartSeq }
            }
            let silentSeq = feed.lastSeq
            try await feed.until("`connected` to the restarted device") { $0.observation.linkKind == .connected }
            let connectedSeq = feed.lastSeq
            try await feed.until("fresh values from the restarted device") { $0.isFresh }
            pipeline.stop()
            _ = try await running.value
            await second.unplug()
            bus.finish()
            try await feed.until("the end of the feed") { _ in false }

            // Without a session the old values go stale on their own clock while the device is off,
            // before the gap is long enough to be called `silent`: their marks follow the restart.
            Self.checkRestart(feed.records, name: name, silentSeq: silentSeq, connectedSeq: connectedSeq,
                              restatedSince: sessionless ? restartSeq : silentSeq)
        }
    }

    @Test("the bridge restarts mid-session: a new session with the same device; `seq` continues on the bus, a new bus has a new bridgeId",
          arguments: drivers)
    func bridgeRestart(name: String) async throws {
        try await withTimeout("a restart of the bridge on \(name)") {
            let pty = try TestPTY.open()
            // The test holds the device side open too, so the simulator survives the bridge closing it.
            defer { close(pty.device) }
            let path = try #require(ttyname(pty.device).map { String(cString: $0) })
            let device = try await Self.simulatorPlug(name, controller: pty.controller)

            func session(on bus: FeedBus, _ feed: inout FeedWatcher, _ what: String) async throws -> (first: UInt64, last: UInt64) {
                let source = bus.addSource(identity: Self.identity(name))
                let supervisor = PortSupervisor(source: source, clock: Self.clock, retryDelay: .milliseconds(50),
                                                makeDriver: { Self.driver(name) },
                                                open: {
                                                    let fd = open(path, O_RDWR | O_NOCTTY)
                                                    guard fd >= 0 else { throw TestPTY.Failure.openpty(errno) }
                                                    return try await TestPTY.channel(for: fd)
                                                })
                let running = Task { await supervisor.run() }
                try await feed.until("`opened` (\(what))") { $0.observation.linkKind == .opened }
                let first = feed.lastSeq
                try await feed.until("`connected` (\(what))") { $0.observation.linkKind == .connected }
                try await feed.until("fresh values (\(what))") { $0.isFresh }
                supervisor.stop()
                let summaries = await running.value
                #expect(summaries.last?.endReason == .stopped)
                try await feed.until("`closed` (\(what))") { $0.observation.linkKind == .closed }
                return (first, feed.lastSeq)
            }

            let bus = FeedBus()
            var feed = FeedWatcher(bus.subscribe(name: "test", bufferSize: 1 << 20))
            let a = try await session(on: bus, &feed, "first bridge session")
            let b = try await session(on: bus, &feed, "restarted pipeline, same bus")
            #expect(a.first == 1)
            #expect(b.first == a.last + 1, "seq must continue on the same bus: \(a) then \(b)")
            #expect(feed.seqGaps == 0)
            #expect(Set(feed.records.map(\.bridgeId)) == [bus.bridgeId])
            bus.finish()

            // A restarted process: a fresh bus, a new id, seq from 1 again.
            let bus2 = FeedBus()
            var feed2 = FeedWatcher(bus2.subscribe(name: "test", bufferSize: 1 << 20))
            let c = try await session(on: bus2, &feed2, "fresh bus")
            #expect(c.first == 1)
            #expect(bus2.bridgeId != bus.bridgeId)
            #expect(feed2.records.allSatisfy { $0.bridgeId == bus2.bridgeId })
            bus2.finish()
            await device.unplug()
        }
    }

    /// Between the driver's `silent` and its next `connected`: no fresh value, the old ones marked
    /// as no longer current; every alarm of the old device ended before the new session was up.
    static func checkRestart(_ records: [FeedRecord], name: String, silentSeq: UInt64, connectedSeq: UInt64,
                             restatedSince: UInt64? = nil) {
        let between = records.filter { $0.seq > silentSeq && $0.seq < connectedSeq }
        // A driver may put the values of the frame that brings the session back before its
        // `connected` (same read, same host time); anything fresher than the stall otherwise is invented.
        let back = records.first { $0.seq == connectedSeq }.flatMap { if case .link(let l) = $0.observation { l.hostTime } else { nil } }
        let freshBetween = between.filter { $0.isFresh && $0.hostTime != back }
        #expect(freshBetween.isEmpty, "a value without new data: \(freshBetween.prefix(3))")
        let restated = records.filter { $0.seq > (restatedSince ?? silentSeq) && $0.seq < connectedSeq && $0.isRestatement }
        #expect(!restated.isEmpty, "the old session's values were not marked as no longer current")
        var open = Set<String>()
        for r in records where r.seq < connectedSeq {
            guard let a = r.alarm else { continue }
            if a.phase == .end { open.remove(a.alarmId) } else { open.insert(a.alarmId) }
        }
        #expect(open.isEmpty, "alarms of the old session still open: \(open)")
        let ends = records.filter { $0.alarm?.phase == .end }
        if name == "intellivue" { #expect(!ends.isEmpty) }
    }

    /// A device instance on its own descriptor of the same controller, so stopping it leaves the
    /// line up: the bridge sees a device that went quiet and came back, not an unplug.
    static func powerOn(_ name: String, seed: UInt64, controller: Int32) async throws -> Plug {
        let host = SimulatorHost(simulator: try simulator(name, seed: seed), clock: clock)
        let channel = try await TestPTY.channel(for: dup(controller))
        return Plug(host: host, run: Task { _ = try? await host.run(on: channel) })
    }

    static func simulatorPlug(_ name: String, controller: Int32) async throws -> Plug {
        let host = SimulatorHost(simulator: try simulator(name), clock: clock)
        let channel = try await TestPTY.channel(for: controller)
        return Plug(host: host, run: Task { _ = try? await host.run(on: channel) })
    }
}

/// Reads a feed subscription record by record, keeping the non-waveform records and tallying
/// what the unplug test checks.
struct FeedWatcher {
    private var iterator: FeedSubscription.AsyncIterator
    private(set) var records: [FeedRecord] = []
    private(set) var links: [LinkEvent.Kind: Int] = [:]
    private(set) var lastSeq: UInt64 = 0
    private(set) var seqGaps = 0
    private(set) var unplugsWithStaleMarks = 0
    private(set) var freshWhileUnplugged: [FeedRecord] = []
    /// The last link events (seq, kind, detail) before the first fresh value seen while unplugged.
    private(set) var linksBeforeFirstFreshWhileUnplugged: [String] = []
    private var recentLinks: [String] = []
    /// `disconnected` events of the protocol, not the port: the session recovered (`connected`
    /// followed) or another `disconnected` came before the port closed.
    private(set) var protocolDisconnects = 0
    private var unplugged = false
    private var pendingDisconnect = false
    private var staleSinceUnplug = false
    /// The last numeric record was a stale mark: a device that only talks (an oximeter) can be
    /// marked silent, and its values stale, before the unplug itself is read; nothing is then left
    /// to mark at the unplug, and that counts as marked.
    private var staleAfterLastFresh = false

    init(_ subscription: FeedSubscription) { iterator = subscription.makeAsyncIterator() }

    /// Consumes records up to and including the first that satisfies `done`; throws at the end of the feed.
    mutating func until(_ what: String, _ done: (FeedRecord) -> Bool) async throws {
        while let event = await iterator.next() {
            guard case .record(let r) = event else { seqGaps += 1; continue }
            if lastSeq != 0, r.seq != lastSeq + 1 { seqGaps += 1 }
            lastSeq = r.seq
            tally(r)
            if done(r) { return }
        }
        if what != "the end of the feed" { throw FeedEnded(what: what) }
    }

    struct FeedEnded: Error, CustomStringConvertible {
        var what: String
        var description: String { "the feed ended before \(what)" }
    }

    private mutating func tally(_ r: FeedRecord) {
        if case .waveform = r.observation {} else { records.append(r) }
        if let kind = r.observation.linkKind {
            links[kind, default: 0] += 1
            if case .link(let l) = r.observation {
                recentLinks.append("\(r.seq) \(kind.rawValue): \(l.detail ?? "")")
                if recentLinks.count > 8 { recentLinks.removeFirst() }
            }
            switch kind {
            case .disconnected:
                // A second one before the port closes: the first was the protocol's.
                if pendingDisconnect { protocolDisconnects += 1 }
                unplugged = true
                pendingDisconnect = true
                staleSinceUnplug = false
            case .connected:
                // The link came back within the session (a re-association): that disconnect was
                // the protocol's, not an unplug, and values from here on are fresh again.
                if pendingDisconnect { protocolDisconnects += 1 }
                pendingDisconnect = false
                unplugged = false
            case .closed:
                if unplugged, staleSinceUnplug || staleAfterLastFresh { unplugsWithStaleMarks += 1 }
                pendingDisconnect = false
            case .opened:
                unplugged = false
            default: break
            }
        }
        if case .numeric(let n) = r.observation {
            // Any re-statement (stale, absent, or demo data re-stated with the link's reason) tells
            // the consumer the value is no longer current.
            if r.isFresh { staleAfterLastFresh = false }
            else if n.ageNanoseconds != nil { staleAfterLastFresh = true }
        }
        if unplugged, case .numeric(let n) = r.observation {
            if n.ageNanoseconds != nil, n.state == .stale || n.reason?.contains("link") == true { staleSinceUnplug = true }
            if r.isFresh {
                if freshWhileUnplugged.isEmpty { linksBeforeFirstFreshWhileUnplugged = recentLinks }
                freshWhileUnplugged.append(r)
            }
        }
    }
}

extension FeedRecord {
    /// A new measured value (not a re-statement).
    var isFresh: Bool {
        if case .numeric(let r) = observation { [.valid, .demo].contains(r.state) && r.ageNanoseconds == nil && r.value != nil } else { false }
    }

    /// A value re-stated by the ledger (stale, or with its age).
    var isRestatement: Bool {
        if case .numeric(let r) = observation { r.state == .stale || r.ageNanoseconds != nil } else { false }
    }

    /// When the bridge received what this record says.
    var hostTime: Timestamp? {
        switch observation {
        case .numeric(let r): r.hostTime
        case .link(let l): l.hostTime
        case .alarm(let a): a.hostTime
        default: nil
        }
    }

    var alarm: AlarmEvent? { if case .alarm(let a) = observation { a } else { nil } }
}
