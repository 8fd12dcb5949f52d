/// Where the simulated devices of `bedside demo` stand: which chair each driver's simulator is at.
///
/// A clinic chair has a monitor and a pump (and sometimes a standalone oximeter), so the demo
/// groups devices by chair rather than giving every device its own. Drivers named here but not
/// built into this bridge are skipped; a simulated driver named nowhere gets a chair of its own
/// after these, so a newly registered driver still shows up in the demo.
public enum DemoLayout {
    /// The chairs in order, each with the drivers whose simulators stand there.
    public static let chairs: [(chair: String, drivers: [String])] = [
        ("chair-1", ["intellivue", "bbraun-bcc"]),
        ("chair-2", ["ge-dinamap", "masimo-ascii"]),
        ("chair-3", ["ge-datex", "alaris-asena", "nonin"]),
    ]

    /// A device of the demo: which simulator and at which chair.
    public struct Placement: Hashable, Sendable {
        public var driver: String
        public var chair: String
    }

    /// Places `drivers` (in the order given, duplicates allowed) at their chairs.
    public static func placement(of drivers: [String]) -> [Placement] {
        var extraChairs: [String: String] = [:]
        var nextChair = chairs.count + 1
        return drivers.map { driver in
            if let chair = chairs.first(where: { $0.drivers.contains(driver) })?.chair {
                return Placement(driver: driver, chair: chair)
            }
            if let chair = extraChairs[driver] { return Placement(driver: driver, chair: chair) }
            let chair = "chair-\(nextChair)"
            nextChair += 1
            extraChairs[driver] = chair
            return Placement(driver: driver, chair: chair)
        }
    }

    /// The default demo: one simulator of every simulated driver, in chair order.
    public static var defaultDevices: [String] {
        let simulated = DriverCatalog.simulatedDriverNames
        let placed = chairs.flatMap(\.drivers).filter(simulated.contains)
        return placed + simulated.filter { !placed.contains($0) }
    }
}
