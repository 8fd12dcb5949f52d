import AlarisAsena
import BBraunBCC
import BedsideDriver
import BedsideSniffer
import GEDatex
import GEDinamap
import IntelliVue
import MasimoASCII
import Nonin

/// Every driver and simulator this build of the bridge knows, by registry name.
///
/// ``entries`` is the single place a driver is registered: the command line, `bedside drivers`,
/// the bench, the fixture script and the catalog-wide tests all iterate over it.
public enum DriverCatalog {
    /// A driver and, when it has one, the simulator of its device.
    public struct Entry: Sendable {
        public let driver: any DeviceDriver.Type
        public let simulator: (any DeviceSimulator.Type)?

        public static func driver(_ driver: any DeviceDriver.Type, simulator: (any DeviceSimulator.Type)? = nil) -> Entry {
            Entry(driver: driver, simulator: simulator)
        }
    }

    /// The registration list: one line per driver.
    public static let entries: [Entry] = [
        .driver(GEDatexDriver.self, simulator: GEDatexSimulator.self),
        .driver(IntelliVueDriver.self, simulator: IntelliVueSimulator.self),
        .driver(GEDinamapDriver.self, simulator: GEDinamapSimulator.self),
        .driver(MasimoASCIIDriver.self, simulator: MasimoASCIISimulator.self),
        .driver(NoninDriver.self, simulator: NoninSimulator.self),
        .driver(BBraunBCCDriver.self, simulator: BBraunBCCSimulator.self),
        .driver(AlarisAsenaDriver.self, simulator: AlarisAsenaSimulator.self),
    ]

    /// The registry the command line and configuration resolve names against.
    public static let registry = DriverRegistry(drivers: entries.map(\.driver), simulators: entries.compactMap(\.simulator))

    /// Registry names of the drivers that have a simulator, in registration order (what the bench
    /// and the fixture recorder run).
    public static var simulatedDriverNames: [String] {
        entries.filter { $0.simulator != nil }.map { $0.driver.descriptor.name }
    }

    /// What the protocol sniffer tries on bytes it only reads (`bedside replay` of a raw dump,
    /// `bedside sniff`): the variants each driver declares in its detection.
    public static let sniffCandidates: [SniffCandidate] = SniffCandidate.declared(by: entries.map(\.driver))
}
