import BedsideCapture
import BedsideDriver
import BedsideModel
import BedsideRuntime
import Foundation
import GEDatex
import Glibc
import IntelliVue
import AlarisAsena
import BBraunBCC
import GEDinamap
import MasimoASCII
import Nonin
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

        @Test("every registered driver declares a detection, and its request is only what its README lists as safe")
        func everyDriverDeclares() {
            #expect(Set(Self.probeable) == Set(DriverCatalog.entries.map { $0.driver.descriptor.name }))
            #expect(MasimoASCIIDriver.descriptor.detection.approach == .listen)
            #expect(NoninDriver.descriptor.detection.approach == .listen)
            // The exact bytes, from the READMEs' tables (not from the encoders).
            #expect(GEDinamapDriver.detection.request == [0x0D, 0x20, 0x4E, 0x41, 0x21, 0x32, 0x0D])
            #expect(AlarisAsenaDriver.detection.request == Array("!INST_SERIALNO|".utf8)
                    + AsenaFraming.hex(AsenaFraming.crc(Array("INST_SERIALNO".utf8))) + [0x0D])
            let alive = BBraunBCCDriver.detection.request
            #expect(String(decoding: alive, as: UTF8.self).contains("1/1/1>ADMIN:ALIVE\u{03}"))
            #expect(alive.first == 0x01 && alive.last == 0x04)
        }

        @Test("the listening window's bytes are classified by the sniffer: recognized, unknown, or no answer")
        func listeningClassification() throws {
            let members: [any DeviceDriver.Type] = [MasimoASCIIDriver.self, NoninDriver.self]
            func received(_ fixture: String) throws -> [UInt8] {
                let capture = try CaptureReader.readAll(path: BedsideTool.packageRoot
                    .appendingPathComponent("HardwareFixtures/\(fixture)").path).capture
                return capture.chunks.filter { $0.direction == .rx }.flatMap(\.bytes)
            }
            // Joined mid-stream: the first line or packet is cut.
            let masimo = Array(try received("masimo-ascii/sim-pty-seed1.bbcap").dropFirst(7).prefix(1200))
            let m = PortProbe.listeningOutcomes(masimo, members: members)
            #expect(m["masimo-ascii"].map { if case .answered = $0 { true } else { false } } == true, "\(String(describing: m))")
            #expect(m["nonin"].map { if case .skipped = $0 { true } else { false } } == true)
            let nonin = Array(try received("nonin/sim-pty-seed1.bbcap").dropFirst(3).prefix(400))
            let n = PortProbe.listeningOutcomes(nonin, members: members)
            #expect(n["nonin"].map { if case .answered = $0 { true } else { false } } == true, "\(String(describing: n))")
            // Line noise: bytes, but no protocol's checks pass: unknown, never a guess.
            var generator = SystemRandomNumberGenerator()
            let noise = (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for (name, outcome) in PortProbe.listeningOutcomes(noise, members: members) {
                #expect({ if case .unknown = outcome { true } else { false } }(), "\(name): \(outcome)")
            }
            // One Masimo line is below the evidence the sniffer needs (three): unknown.
            let oneLine = Array(masimo.prefix { $0 != 0x0A }) + [0x0A]
            let cut = Array(masimo.drop { $0 != 0x0A }.dropFirst().prefix { $0 != 0x0A }) + [0x0A]
            let few = PortProbe.listeningOutcomes(oneLine + cut, members: members)
            #expect(few["masimo-ascii"].map { if case .answered = $0 { true } else { false } } == false, "\(String(describing: few))")
            // Nothing at all: no answer.
            for (_, outcome) in PortProbe.listeningOutcomes([], members: members) {
                #expect({ if case .noAnswer(0, _) = outcome { true } else { false } }())
            }
        }

        @Test("the probe's longest run on a silent port is the documented bound (docs/commissioning.md)")
        func bound() {
            // One 4 s window shared by masimo-ascii and nonin (both 9600 8N1), then 3 + 3 + 3 + 3 + 4 s of requests.
            #expect(PortProbe(path: "/dev/null").longestDuration == .seconds(20))
            #expect(PortProbe(path: "/dev/null", drivers: [MasimoASCIIDriver.self, NoninDriver.self]).longestDuration == .seconds(4))
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
            // Bounded: the probe ends by itself within the sum of its windows (20 s, documented);
            // interrupted 15 s past that, it would not end with its verdict.
            let bound = PortProbe(path: name).longestDuration
            let result = try BedsideTool.run(["probe", name], interruptAfter: Double(bound.components.seconds) + 15)
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
            let oneShot: [(String, any DeviceDriver.Type, DriverDetection)] = [
                ("ge-dinamap", GEDinamapDriver.self, GEDinamapDriver.detection),
                ("bbraun-bcc", BBraunBCCDriver.self, BBraunBCCDriver.detection),
                ("alaris-asena", AlarisAsenaDriver.self, AlarisAsenaDriver.detection),
            ]
            let requests = try oneShot.flatMap { name, type, detection in
                var answer = try firstAnswer(of: "\(name)/sim-pty-seed1.bbcap", driver: type)
                // umockdev's script reader drops the blanks that begin a chunk, and a DINAMAP reply
                // begins with its unit id, a space: an LF goes first (the end of a CR LF line, which
                // the protocol ignores), so the space reaches the port.
                if answer.first == 0x20 { answer.insert(0x0A, at: 0) }
                return [("probe-\(name).script", name,
                  scriptText([("w", detection.request), ("r", answer)])),
                 ("probe-\(name)-silent.script", name, scriptText([("w", detection.request)]))]
            }
            return requests + [
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
              arguments: ["ge-datex", "intellivue", "ge-dinamap", "bbraun-bcc", "alaris-asena"])
        func exactBytesWhenSilent(_ driver: String) throws {
            let result = try Self.probeUnderUmockdev(script: Self.dialogPath("probe-\(driver)-silent.script"), driver: driver)
            #expect(!result.stderr.contains("data mismatch"), "\(result.stderr)")
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.hasSuffix("result: no answer\n"))
        }

        @Test("a monitor that answers behind an FTDI adapter is recognized (and an association released)",
              .enabled(if: umockdevAvailable, "needs the built bedside and umockdev-run (scripts/install-deps)"),
              arguments: ["ge-datex", "intellivue", "ge-dinamap", "bbraun-bcc", "alaris-asena"])
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
