@testable import BedsideRuntime
import Testing

@Suite("Demo chair layout")
struct DemoLayoutTests {
    @Test("drivers named in the layout stand at their chair; unknown ones get chairs of their own after")
    func placement() {
        let placed = DemoLayout.placement(of: ["ge-datex", "acme-one", "intellivue", "acme-two", "acme-one"])
        #expect(placed.map(\.chair) == ["chair-3", "chair-4", "chair-1", "chair-5", "chair-4"])
    }

    @Test("the default demo runs every simulated driver exactly once")
    func defaultDevices() {
        let devices = DemoLayout.defaultDevices
        #expect(Set(devices) == Set(DriverCatalog.simulatedDriverNames))
        #expect(devices.count == DriverCatalog.simulatedDriverNames.count)
    }
}
