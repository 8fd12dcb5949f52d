import BedsideConfig
import BedsidePlatform
import BedsideModel
import Foundation

/// What `bedside verify` does: drives the port for the plan's time (or until Ctrl-C), folds the
/// feed into a ``VerificationTally`` and returns its report; the caller prints it, saves it and
/// turns the verdict into the exit status.
public struct VerifySession: Sendable {
    public var port: CommissioningPort
    public var plan: VerificationPlan
    public var planFile: String
    public var exclusive: Bool
    public var seconds: Double?

    public init(port: CommissioningPort, plan: VerificationPlan, planFile: String, exclusive: Bool, seconds: Double?) {
        self.port = port
        self.plan = plan
        self.planFile = planFile
        self.exclusive = exclusive
        self.seconds = seconds
    }

    /// Runs the collection; the report text and whether every metric passed.
    public func run() async throws -> (report: String, passed: Bool) {
        let duration = seconds ?? plan.seconds
        try OptionCheck.runSeconds(duration)
        let clock = BridgeClock()
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "verify")
        let opened = try await openPort(path: port.path, driver: port.driver, settings: port.settings, location: port.location,
                                        bus: bus, clock: clock, exclusive: exclusive, simulated: port.simulated)
        let tally = Locked(VerificationTally(plan: plan))
        let started = clock.now()
        enum Part: Sendable { case feed, session, stopper }
        await withTaskGroup(of: Part.self) { group in
            group.addTask {
                for await event in subscription {
                    if case .record(let r) = event { tally.withLock { $0.apply(r) } }
                }
                return .feed
            }
            group.addTask {
                _ = await opened.runSessions()
                bus.finish()
                return .session
            }
            group.addTask {
                for await _ in ShutdownSignals.stream() { break }
                opened.stop()
                return .stopper
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(duration))
                opened.stop()
                return .stopper
            }
            // Collection ends when the session has ended and its last records are folded in; the
            // signal and timer tasks are then cancelled.
            var ended: Set<String> = []
            while ended.count < 2, let part = await group.next() {
                switch part {
                case .feed: ended.insert("feed")
                case .session: ended.insert("session")
                case .stopper: break
                }
            }
            group.cancelAll()
        }
        let final = tally.withLock { $0 }
        return (final.report(port: port.path, driver: port.driver.descriptor.name, expectations: planFile, started: started,
                             ended: clock.now()), final.passed)
    }
}
