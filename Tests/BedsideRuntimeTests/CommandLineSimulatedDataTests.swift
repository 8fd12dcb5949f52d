import Foundation
import Testing
@testable import BedsideRuntime

/// Data from the bridge's own simulators never passes for a patient's.
@Suite("bedside command line: simulated data is marked", .serialized)
struct CommandLineSimulatedDataTests {
    static let hasGESimulator = DriverCatalog.registry.simulators.contains { $0.driverName == "ge-datex" }

    @Test("every record of bedside demo says simulated, readings included",
          .enabled(if: BedsideTool.available && hasGESimulator, "needs the built bedside and the GE simulator"))
    func demoRecordsAreSimulated() throws {
        let result = try BedsideTool.run(["demo", "--device", "ge-datex", "--format", "ndjson", "--seconds", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let records = result.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == result.lines.count, "every line is one JSON object")
        #expect(records.contains { $0["kind"] as? String == "numeric" })
        let unmarked = records.filter { $0["simulated"] as? Bool != true }
        #expect(unmarked.isEmpty, "records without simulated=true: \(unmarked.prefix(2))")
    }

    @Test("a port opened for a hosted simulator is declared simulated; a real port is not")
    func identityOfSimulatedPorts() throws {
        let setup = try DriverSetup(name: "ge-datex", configuration: .init())
        #expect(portIdentity(driver: setup, path: "/dev/pts/3", location: nil, simulated: true).simulated)
        #expect(!portIdentity(driver: setup, path: "/dev/ttyUSB0", location: "chair-1").simulated)
        #expect(portIdentity(driver: setup, path: "/dev/ttyUSB0", location: nil).timeZone == "UTC",
                "the identity names the zone the device's clock is read in")
    }
}
