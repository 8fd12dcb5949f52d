import BedsideDriver
import BedsideModel
@testable import IntelliVue

/// Driver and simulator wired together in memory on a virtual clock. Bytes take 1 ms to cross (unless set);
/// each side is ticked at the deadline it asked for. Everything that crosses is logged.
struct SessionBench {
    enum Side { case host, monitor }

    var driver: IntelliVueDriver
    var simulator: IntelliVueSimulator
    var now: Timestamp
    var run = DriverRun()
    var driverDeadline: Timestamp?
    var simulatorDeadline: Timestamp?
    var inFlight: [(at: Timestamp, to: Side, bytes: [UInt8])] = []
    /// Every chunk that crossed: (time sent, sender, bytes).
    var wire: [(time: Timestamp, from: Side, bytes: [UInt8])] = []
    /// When true, bytes in both directions are lost (cable pulled).
    var cablePulled = false
    /// How long bytes take to cross, each way (a loaded host or a slow adapter: longer).
    var transitNanoseconds: Int64 = 1_000_000
    /// Applied to every host → monitor chunk before sending (for corruption tests).
    var hostToMonitorFilter: (([UInt8]) -> [UInt8])?

    init(driver: DriverConfiguration = DriverConfiguration(), simulator: SimulatorConfiguration = SimulatorConfiguration(),
         start: Timestamp = t(0)) {
        self.driver = IntelliVueDriver(configuration: driver)
        self.simulator = IntelliVueSimulator(configuration: simulator)
        self.now = start
    }

    mutating func start() {
        var so = SimulatorOutput()
        simulator.start(now: now, into: &so)
        absorb(&so)
        var o = DriverOutput()
        driver.start(now: now, into: &o)
        absorb(&o)
    }

    mutating func stopDriver() {
        var o = DriverOutput()
        driver.stop(now: now, into: &o)
        absorb(&o)
    }

    private mutating func absorb(_ o: inout DriverOutput) {
        if !o.transmit.isEmpty {
            var bytes = o.transmit
            if let f = hostToMonitorFilter { bytes = f(bytes) }
            wire.append((now, .host, bytes))
            if !cablePulled { inFlight.append((now.adding(nanoseconds: transitNanoseconds), .monitor, bytes)) }
        }
        driverDeadline = o.nextDeadline
        run.absorb(&o)
    }

    private mutating func absorb(_ o: inout SimulatorOutput) {
        if !o.transmit.isEmpty {
            wire.append((now, .monitor, o.transmit))
            if !cablePulled { inFlight.append((now.adding(nanoseconds: transitNanoseconds), .host, o.transmit)) }
        }
        simulatorDeadline = o.nextDeadline
        o.reset()
    }

    /// Runs until `seconds` after the current time.
    mutating func advance(seconds: Double) {
        let end = now.adding(seconds: seconds)
        while true {
            var next = end
            if let d = driverDeadline, d < next { next = d }
            if let d = simulatorDeadline, d < next { next = d }
            if let f = inFlight.map(\.at).min(), f < next { next = f }
            if next >= end && !(inFlight.contains { $0.at <= end }) && !(driverDeadline.map { $0 <= end } ?? false)
                && !(simulatorDeadline.map { $0 <= end } ?? false) { now = end; return }
            now = max(now, next)
            if let i = inFlight.firstIndex(where: { $0.at <= now }) {
                let item = inFlight.remove(at: i)
                if item.to == .host {
                    var o = DriverOutput()
                    driver.receive(item.bytes, now: now, into: &o)
                    absorb(&o)
                } else {
                    var o = SimulatorOutput()
                    simulator.receive(item.bytes, now: now, into: &o)
                    absorb(&o)
                }
                continue
            }
            if let d = driverDeadline, d <= now {
                driverDeadline = nil
                var o = DriverOutput()
                driver.tick(now: now, into: &o)
                absorb(&o)
                continue
            }
            if let d = simulatorDeadline, d <= now {
                simulatorDeadline = nil
                var o = SimulatorOutput()
                simulator.tick(now: now, into: &o)
                absorb(&o)
                continue
            }
            if now >= end { return }
        }
    }

    /// The deframed messages one side sent, in order.
    func messages(from side: Side) -> [[UInt8]] {
        var decoder = IntelliVueFrameDecoder()
        var out: [[UInt8]] = []
        for chunk in wire where chunk.from == side {
            chunk.bytes.withUnsafeBytes { raw in
                var i = 0
                while let e = decoder.next(in: raw, from: &i) { if e == .frame { out.append(decoder.message) } }
            }
        }
        return out
    }
}
