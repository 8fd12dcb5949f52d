import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime
import Foundation
import GEDatex
import Glibc
import IntelliVue
import Testing

extension CommissioningCLI {
    /// `bedside probe`: against the device simulators on ptys, against a port with nothing on it, and
    /// under umockdev, where the tty script checks every byte the probe sends (umockdev aborts on any
    /// byte that is not in the script: the probe sends exactly the declared safe request, nothing else).
    @Suite("bedside probe", .serialized)
    struct PortProbeTests {
        /// Drivers with a simulator and a declared detection: each must be found on its simulator.
        static let probeable: [String] = DriverCatalog.entries
            .filter { $0.simulator != nil && $0.driver.descriptor.detection.approach != .none }
            .map { $0.driver.descriptor.name }

        @Test("every driver with a detection and a simulator is recognized on its simulator, and only it",
              .enabled(if: BedsideTool.available, "build the bedside product first"), arguments: probeable)
        func findsSimulator(_ driver: String) throws {
            let (simulator, tty) = try CaptureCommandTests.startSimulator(driver)
            defer { simulator.interrupt(); simulator.waitUntilExit() }
            let result = try BedsideTool.run(["probe", tty])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("result: \(driver) answered"), "\(result.stdout)")
            let answered = result.lines.filter { $0.contains("ANSWERED") }
            #expect(answered.count == 1)
            #expect(answered.first?.contains(" \(driver) ") == true)
        }

        @Test("IntelliVue's simulator reveals its model through the association",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func identity() throws {
            let (simulator, tty) = try CaptureCommandTests.startSimulator("intellivue")
            defer { simulator.interrupt(); simulator.waitUntilExit() }
            let result = try BedsideTool.run(["probe", tty, "--driver", "intellivue"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("model Philips M8000-SIM"), "\(result.stdout)")
        }

        @Test("a port with nothing on it ends with no answer and exit status 1",
              .enabled(if: BedsideTool.available, "build the bedside product first"))
        func nothingThere() throws {
            var controller: Int32 = -1, device: Int32 = -1
            #expect(openpty(&controller, &device, nil, nil, nil) == 0)
            let name = String(cString: ttyname(device))
            defer { close(controller); close(device) }
            let result = try BedsideTool.run(["probe", name])
            #expect(result.status == 1)
            #expect(result.stdout.hasSuffix("result: no answer\n"), "\(result.stdout)")
            #expect(result.stderr.contains("no answer on \(name)"))
            for driver in Self.probeable {
                #expect(result.stdout.contains(" \(driver) "))
            }
        }

        static var umockdevAvailable: Bool {
            BedsideTool.available && FileManager.default.isExecutableFile(atPath: PortDiscoveryUmockdevTests.umockdevRun)
        }

        static func script(_ lines: [(String, [UInt8])]) throws -> String {
            var text: [UInt8] = []
            for (op, bytes) in lines {
                text += Array("\(op) 0 ".utf8)
                UmockdevScriptExporter.escape(bytes, into: &text)
                text.append(0x0A)
            }
            let path = CaptureCommandTests.temporaryPath("probe.script")
            try Data(text).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// umockdev replays a tty script from its start at every open of the device, and the probe
        /// opens the port once per driver, so each driver is probed on its own here.
        static func probeUnderUmockdev(script: String, driver: String) throws -> BedsideTool.Result {
            try BedsideTool.run(["-d", PortDiscoveryUmockdevTests.fixture("ftdi-ft232r"), "-s", "/dev/ttyUSB0=" + script, "--",
                                 BedsideTool.executable!.path, "probe", "/dev/ttyUSB0", "--no-exclusive", "--driver", driver],
                                executable: URL(fileURLWithPath: PortDiscoveryUmockdevTests.umockdevRun))
        }

        @Test("on a silent FTDI adapter the probe sends exactly the driver's declared request and nothing else",
              .enabled(if: umockdevAvailable, "needs the built bedside and umockdev-run (scripts/install-deps)"),
              arguments: ["ge-datex", "intellivue"])
        func exactBytesWhenSilent(_ driver: String) throws {
            let detection = try DriverCatalog.registry.driverType(named: driver).descriptor.detection
            let script = try Self.script([("w", detection.request)])
            defer { try? FileManager.default.removeItem(atPath: script) }
            let result = try Self.probeUnderUmockdev(script: script, driver: driver)
            #expect(!result.stderr.contains("data mismatch"), "\(result.stderr)")
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.hasSuffix("result: no answer\n"))
        }

        @Test("a monitor that answers the association behind an FTDI adapter is recognized, and the association released",
              .enabled(if: umockdevAvailable, "needs the built bedside and umockdev-run (scripts/install-deps)"))
        func recognizedUnderUmockdev() throws {
            // The monitor's first frame of a recorded IntelliVue session.
            let capture = try CaptureReader.readAll(path: BedsideTool.packageRoot
                .appendingPathComponent("HardwareFixtures/intellivue/sim-pty-seed1.bbcap").path).capture
            let answer = try #require(capture.chunks.first { $0.direction == .rx }?.bytes)
            let script = try Self.script([("w", IntelliVueDriver.detection.request), ("r", answer),
                                          ("w", IntelliVueDriver.detection.farewell)])
            defer { try? FileManager.default.removeItem(atPath: script) }
            let result = try Self.probeUnderUmockdev(script: script, driver: "intellivue")
            #expect(!result.stderr.contains("data mismatch"), "\(result.stderr)")
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("result: intellivue answered"))
        }

        @Test("detection listeners recognize their own protocol's frames and not the other's")
        func listeners() {
            let now = Timestamp(nanosecondsSinceEpoch: 0)
            var ge = DetectionListener(driver: GEDatexDriver.self, start: now)
            ge.receive(IntelliVueDriver.detection.request, now: now)
            #expect(!ge.answered)
            var philips = DetectionListener(driver: IntelliVueDriver.self, start: now)
            philips.receive(GEDatexDriver.detection.request, now: now)
            #expect(!philips.answered)
            philips.receive(IntelliVueDriver.detection.request, now: now)
            #expect(philips.answered, "an IntelliVue frame is recognized by IntelliVue's decoder")
        }
    }
}
