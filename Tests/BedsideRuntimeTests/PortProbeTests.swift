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

        static func scriptText(_ lines: [(String, [UInt8])]) -> [UInt8] {
            var text: [UInt8] = []
            for (op, bytes) in lines {
                text += Array("\(op) 0 ".utf8)
                UmockdevScriptExporter.escape(bytes, into: &text)
                text.append(0x0A)
            }
            return text
        }

        /// The device's side of a recorded fixture session up to and including its first complete
        /// answer: what a real monitor sends first.
        static func firstAnswer(of fixture: String, driver: any DeviceDriver.Type) throws -> [UInt8] {
            let capture = try CaptureReader.readAll(path: BedsideTool.packageRoot
                .appendingPathComponent("HardwareFixtures/\(fixture)").path).capture
            var bytes: [UInt8] = []
            var listener = DetectionListener(driver: driver, start: Timestamp(nanosecondsSinceEpoch: 0))
            for chunk in capture.chunks where chunk.direction == .rx {
                bytes += chunk.bytes
                listener.receive(chunk.bytes, now: chunk.time)
                if listener.answered { return bytes }
            }
            throw CommandFailure("\(fixture) has no complete answer")
        }

        /// The probe dialogs kept in HardwareFixtures/udev (umockdev tty scripts), as the code
        /// would write them now: each driver's declared request, the answer of a recorded monitor
        /// and, where declared, the farewell. `silent`: the request only, nobody answers.
        static func dialogs() throws -> [(file: String, driver: String, text: [UInt8])] {
            let ge = GEDatexDriver.detection, philips = IntelliVueDriver.detection
            return [
                ("probe-ge-datex.script", "ge-datex",
                 scriptText([("w", ge.request), ("r", try firstAnswer(of: "ge-datex/sim-pty-seed1.bbcap", driver: GEDatexDriver.self))])),
                ("probe-intellivue.script", "intellivue",
                 scriptText([("w", philips.request),
                             ("r", try firstAnswer(of: "intellivue/sim-pty-seed1.bbcap", driver: IntelliVueDriver.self)),
                             ("w", philips.farewell)])),
                ("probe-ge-datex-silent.script", "ge-datex", scriptText([("w", ge.request)])),
                ("probe-intellivue-silent.script", "intellivue", scriptText([("w", philips.request)])),
            ]
        }

        static func dialogPath(_ file: String) -> String {
            BedsideTool.packageRoot.appendingPathComponent("HardwareFixtures/udev/\(file)").path
        }

        @Test("the kept probe dialogs are what the drivers declare (BEDSIDE_BLESS=1 rewrites them)")
        func dialogsAreCurrent() throws {
            let bless = ProcessInfo.processInfo.environment["BEDSIDE_BLESS"] == "1"
            for d in try Self.dialogs() {
                if bless { try Data(d.text).write(to: URL(fileURLWithPath: Self.dialogPath(d.file))) }
                let kept = try Data(contentsOf: URL(fileURLWithPath: Self.dialogPath(d.file)))
                #expect(Array(kept) == d.text, "\(d.file) differs from the declared detection; re-bless after checking why")
            }
        }

        static func probeUnderUmockdev(script: String, driver: String) throws -> BedsideTool.Result {
            try BedsideTool.run(["-d", PortDiscoveryUmockdevTests.fixture("ftdi-ft232r"), "-s", "/dev/ttyUSB0=" + script, "--",
                                 BedsideTool.executable!.path, "probe", "/dev/ttyUSB0", "--no-exclusive", "--driver", driver],
                                executable: URL(fileURLWithPath: PortDiscoveryUmockdevTests.umockdevRun))
        }

        /// umockdev replays a tty script from its start at every open of the device, and the probe
        /// opens the port once per driver, so each driver is probed on its own here.
        @Test("on a silent FTDI adapter the probe sends exactly the driver's declared request and nothing else",
              .enabled(if: umockdevAvailable, "needs the built bedside and umockdev-run (scripts/install-deps)"),
              arguments: ["ge-datex", "intellivue"])
        func exactBytesWhenSilent(_ driver: String) throws {
            let result = try Self.probeUnderUmockdev(script: Self.dialogPath("probe-\(driver)-silent.script"), driver: driver)
            #expect(!result.stderr.contains("data mismatch"), "\(result.stderr)")
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.hasSuffix("result: no answer\n"))
        }

        @Test("a monitor that answers behind an FTDI adapter is recognized (and an association released)",
              .enabled(if: umockdevAvailable, "needs the built bedside and umockdev-run (scripts/install-deps)"),
              arguments: ["ge-datex", "intellivue"])
        func recognizedUnderUmockdev(_ driver: String) throws {
            let result = try Self.probeUnderUmockdev(script: Self.dialogPath("probe-\(driver).script"), driver: driver)
            #expect(!result.stderr.contains("data mismatch"), "\(result.stderr)")
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("result: \(driver) answered"))
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
