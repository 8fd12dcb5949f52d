import BedsideConfig
import BedsideDiscovery
import BedsideModel
import BedsidePlatform
import Logging
import ServiceLifecycle

/// Every bound port of a configuration, each in its own pipeline, kept in step with udev.
///
/// At start it listens to udev's monitor, lists the present ports and attaches each bound one; on
/// `add` a bound port's sessions start, on `remove` they end with a `disconnected` record naming
/// the location (every value of the device turns stale), and a port that comes back (the same
/// adapter or a replacement matching the same binding) gets a new session, which reports
/// `connected` once the device answers. Bindings by device path (ptys of simulators, ports udev
/// does not list) open their path directly and reopen it after hang-ups.
///
/// On graceful shutdown (SIGTERM, SIGINT) every session sends its stop request, captures are
/// completed, and the bus is finished so the feed output drains and ends.
public final class BridgeService: Service, Sendable {
    public typealias Enumerate = @Sendable () throws -> [SerialPortInfo]
    public typealias MakeMonitor = @Sendable () throws -> UdevMonitor

    private let bindings: [ServiceBinding]
    private let bus: FeedBus
    private let clock: BridgeClock
    private let retryDelay: Duration
    private let logger: Logger
    private let enumerate: Enumerate
    private let makeMonitor: MakeMonitor
    private let sessions = Locked(0)

    public init(bindings: [ServiceBinding], retryDelay: Duration, bus: FeedBus, clock: BridgeClock,
                logger: Logger = Logger(label: "bedside.service"),
                enumerate: @escaping Enumerate = { try SerialPortEnumerator.enumerate() },
                makeMonitor: @escaping MakeMonitor = { try UdevMonitor() }) {
        self.bindings = bindings
        self.bus = bus
        self.clock = clock
        self.retryDelay = retryDelay
        self.logger = logger
        self.enumerate = enumerate
        self.makeMonitor = makeMonitor
    }

    /// Port sessions running now (attached ports plus device-path bindings): what a leak check counts.
    public var runningSessions: Int { sessions.withLock { $0 } }

    public func run() async throws {
        defer { bus.finish() }
        let rules = bindings.map(\.binding.match)
        let direct = bindings.filter { if case .devicePath = $0.binding.match { true } else { false } }
        let usesUdev = direct.count < bindings.count
        // Listen before listing, so a port plugged in between the two is not missed.
        let monitor = usesUdev ? try makeMonitor() : nil
        let initial = usesUdev ? try enumerate() : []
        if usesUdev { logger.notice("listening for serial ports through udev (\(initial.count) present)") }

        await withTaskGroup(of: Void.self) { group in
            var attachments: [Int: PortAttachment] = [:]
            var runnables: [any RunnablePort] = []
            for binding in direct {
                guard case .devicePath(let path) = binding.binding.match else { continue }
                let runnable = directSession(binding, path: path)
                runnables.append(runnable)
                group.addTask { await self.counted(binding.location, path) { _ = await runnable.runSessions() } }
            }

            var plan = HotplugPlan(rules: rules)
            func perform(_ actions: [HotplugPlan.Action]) {
                for action in actions {
                    switch action {
                    case .attach(let index, let port):
                        let binding = bindings[index]
                        logger.notice("\(binding.location): \(port.devnode) attached (binding \(binding.number), \(binding.binding.match.summary))")
                        let attachment = PortAttachment(binding: binding, port: port, bus: bus, clock: clock,
                                                        retryDelay: retryDelay, logger: logger)
                        attachments[index] = attachment
                        group.addTask { await self.counted(binding.location, port.devnode) { await attachment.run() } }
                    case .detach(let index, let removed):
                        guard let attachment = attachments.removeValue(forKey: index) else { continue }
                        logger.notice("\(attachment.binding.location): \(attachment.port.devnode) \(removed ? "removed" : "rebound"); ending its session")
                        attachment.end(removed ? .removed : .stopped)
                    }
                }
            }
            perform(plan.start(with: initial))
            for decision in PortBindingResolver.resolve(ports: initial, rules: rules) {
                if case .ambiguous = decision.outcome { logger.warning("\(decision.port.devnode): \(decision.explanation)") }
            }

            if let monitor {
                await withGracefulShutdownHandler {
                    for await event in monitor.events {
                        logger.info("udev \(event.action.rawValue) \(event.port.devnode)")
                        perform(plan.apply(event))
                    }
                } onGracefulShutdown: {
                    monitor.stop()
                }
            } else {
                try? await gracefulShutdown()
            }
            logger.notice("stopping: sending stop requests, completing captures")
            for attachment in attachments.values { attachment.end(.stopped) }
            for runnable in runnables { runnable.stop() }
            await group.waitForAll()
        }
        for binding in bindings {
            guard let capture = binding.capture else { continue }
            do { try await capture.finish() } catch {
                logger.error("capture \(capture.path) could not be completed: \(CommandFailure.message(for: error))")
            }
        }
    }

    /// Runs `body` as one counted session, logging the count at its end (what the hotplug leak
    /// test reads).
    private func counted(_ location: String, _ port: String, _ body: () async -> Void) async {
        let started = sessions.withLock { n -> Int in n += 1; return n }
        logger.info("\(location): session task started on \(port) (sessions running: \(started))")
        await body()
        let left = sessions.withLock { n -> Int in n -= 1; return n }
        logger.notice("\(location): session on \(port) ended (sessions running: \(left))")
    }

    /// A binding by device path: opened by name, waited for while missing, reopened after hang-ups.
    private func directSession(_ binding: ServiceBinding, path: String) -> any RunnablePort {
        let source = bus.addSource(identity: binding.identity(devnode: path, port: nil), origin: binding.origin)
        let (settings, exclusive) = (binding.settings, binding.exclusive)
        var logger = logger
        logger[metadataKey: "location"] = "\(binding.location)"
        logger[metadataKey: "port"] = "\(path)"
        let waiter = PortWaiter(source: source, clock: clock, retryDelay: retryDelay, logger: logger) {
            try await openSerialPort(path: path, settings: settings, exclusive: exclusive)
        }
        // WaitingSupervisor waits for the first channel and parks it here; the supervisor's opener
        // takes it for the first session and waits anew for later ones.
        let first = Locked<PortWaiter.Opened?>(nil)
        let supervisor = PortSupervisor(
            source: source, clock: clock, retryDelay: retryDelay, recorder: binding.capture.map { SpanningRecorder(wrapping: $0) },
            logger: logger, makeDriver: binding.driver.makeDriver, openWithLineControl: {
                if let opened = first.withLock({ c in defer { c = nil }; return c }) { return opened }
                return try await waiter.open()
            })
        return WaitingSupervisor(supervisor: supervisor, waiter: waiter, firstChannel: first)
    }
}
