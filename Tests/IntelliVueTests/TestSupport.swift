import BedsideCapture
import BedsideDriver
import BedsideModel
import Foundation
@testable import IntelliVue

/// The shared folder with real captures: `$BEDSIDE_SHARED`, else `<package root>/../shared`.
enum SharedData {
    static let folder: URL = {
        if let env = ProcessInfo.processInfo.environment["BEDSIDE_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static let captures = folder.appendingPathComponent("captures/intellivue-mp70")

    static var available: Bool {
        FileManager.default.fileExists(atPath: captures.appendingPathComponent("mp70-serial-demo-mode.log").path)
    }

    static let logNames = ["mp70-serial-every.log", "mp70-serial-demo-mode.log", "mp70-serial-fluke-simulator.log",
                           "mp70-serial-everything2.log"]

    static func log(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: captures.appendingPathComponent(name)))
    }
}

/// The package's own fixture folder.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("HardwareFixtures/intellivue")
}

/// `"c0 11 01"` → bytes.
func bytes(_ hex: String) -> [UInt8] {
    hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
}

func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined(separator: " ") }

func t(_ seconds: Double) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000).adding(seconds: seconds) }

/// Everything a driver produced while replaying chunks.
struct DriverRun {
    var observations: [Observation] = []
    var counters: [String: Int] = [:]
    var transmitted: [UInt8] = []
    var identity = DeviceIdentityUpdate()
    var lastDeadline: Timestamp?

    mutating func absorb(_ output: inout DriverOutput) {
        observations += output.observations
        for (k, v) in output.counters { counters[k.name, default: 0] += v }
        transmitted += output.transmit
        if let id = output.identity {
            if let m = id.model { identity.model = m }
            if let s = id.serialNumber { identity.serialNumber = s }
            if let s = id.softwareVersion { identity.softwareVersion = s }
        }
        lastDeadline = output.nextDeadline
        output.reset()
    }

    var numerics: [NumericReading] { observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var waves: [WaveformSegment] { observations.compactMap { if case .waveform(let w) = $0 { w } else { nil } } }
    var alarms: [AlarmEvent] { observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } } }
    var links: [LinkEvent] { observations.compactMap { if case .link(let l) = $0 { l } else { nil } } }
    subscript(counter: String) -> Int { counters[counter, default: 0] }
}

/// Replays a capture's rx chunks into a listen-only driver, ticking at the deadlines it asks for.
func replay(_ capture: Capture, configuration: DriverConfiguration = DriverConfiguration(transmitEnabled: false)) -> DriverRun {
    var driver = IntelliVueDriver(configuration: configuration)
    var run = DriverRun()
    var out = DriverOutput()
    let start = capture.chunks.first?.time ?? t(0)
    driver.start(now: start, into: &out)
    run.absorb(&out)
    for chunk in capture.chunks where chunk.direction == .rx {
        if let d = run.lastDeadline, d < chunk.time {
            driver.tick(now: d, into: &out)
            run.absorb(&out)
        }
        driver.receive(chunk.bytes, now: chunk.time, into: &out)
        run.absorb(&out)
    }
    return run
}

func replayLog(_ name: String, configuration: DriverConfiguration = DriverConfiguration(transmitEnabled: false)) throws -> DriverRun {
    let capture = try IntelliVueSerialLog.importLog(try SharedData.log(name), source: name)
    return replay(capture, configuration: configuration)
}
