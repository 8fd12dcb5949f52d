import BedsidePlatform
import BedsideModel
import Logging

/// What `bedside watch` does: drives the chosen ports and redraws ``WatchScreen`` in place once a
/// second until Ctrl-C (or `seconds`). Not on a terminal, a plain frame is printed every
/// `plainInterval` and once at the end.
public struct WatchSession: Sendable {
    public var ports: [CommissioningPort]
    public var target: String
    public var exclusive: Bool
    public var seconds: Double?
    public var counters: WatchCounters
    public var terminal: Bool
    public var plainInterval: Duration = .seconds(10)

    public init(ports: [CommissioningPort], target: String, exclusive: Bool, seconds: Double?, counters: WatchCounters,
                terminal: Bool = Console.stdoutIsTerminal) {
        self.ports = ports
        self.target = target
        self.exclusive = exclusive
        self.seconds = seconds
        self.counters = counters
        self.terminal = terminal
    }

    public func run() async throws {
        try OptionCheck.runSeconds(seconds)
        let clock = BridgeClock()
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "watch")
        var opened: [any RunnablePort] = []
        for p in ports {
            opened.append(try await openPort(path: p.path, driver: p.driver, settings: p.settings, location: p.location, bus: bus,
                                             clock: clock, exclusive: exclusive, simulated: p.simulated))
        }
        let runnables = opened
        let model = Locked(LiveTableModel())
        let finished = Locked(false)
        let (counters, target, terminal, plainInterval) = (self.counters, self.target, self.terminal, self.plainInterval)
        let draw: @Sendable () -> Void = {
            let lines = WatchScreen.render(model: model.withLock { $0 }, counters: counters.snapshot, now: clock.now(),
                                           target: target, columns: Console.windowSize()?.columns ?? 100)
            // Home, draw, clear the rest: the frame replaces the previous one without scrolling.
            _ = Console.out(terminal ? "\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\u{1B}[J"
                                     : lines.joined(separator: "\n") + "\n")
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in subscription { model.withLock { $0.apply(event) } }
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { inner in
                    for port in runnables { inner.addTask { _ = await port.runSessions() } }
                }
                finished.withLock { $0 = true }
                bus.finish()
            }
            group.addTask {
                for await _ in ShutdownSignals.stream() { break }
                runnables.forEach { $0.stop() }
            }
            if let seconds {
                group.addTask {
                    try? await Task.sleep(for: .seconds(seconds))
                    runnables.forEach { $0.stop() }
                }
            }
            group.addTask {
                if terminal { _ = Console.out("\u{1B}[2J") }
                while !finished.withLock({ $0 }) {
                    if terminal { draw() }
                    try? await Task.sleep(for: terminal ? .seconds(1) : plainInterval)
                    if !terminal, !finished.withLock({ $0 }) { draw() }
                }
                draw()
            }
            // The signal and timer tasks may outlive the ports; the rest end with them.
            while let _ = await group.next() {
                if finished.withLock({ $0 }) { group.cancelAll() }
            }
        }
    }
}
