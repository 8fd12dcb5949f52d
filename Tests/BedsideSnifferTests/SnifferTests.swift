import BedsideCapture
import BedsideDriver
import BedsideDriverTesting
import BedsideModel
import Foundation
import Testing
@testable import BedsideSniffer
import GEDatex
import GEDinamap
import IntelliVue
import MasimoASCII
import Nonin

/// Streams the sniffer must recognize — real captures and the notes' real lines, not only our
/// simulators — and streams it must call unknown.
@Suite struct SnifferTests {
    /// The drivers that declare sniffing evidence (the catalog's list, `DriverCatalog.sniffCandidates`,
    /// is checked against the same in BedsideRuntimeTests).
    static let candidates = SniffCandidate.declared(
        by: [GEDatexDriver.self, IntelliVueDriver.self, GEDinamapDriver.self, MasimoASCIIDriver.self, NoninDriver.self])

    static var shared: URL {
        if let env = ProcessInfo.processInfo.environment["BEDSIDE_SHARED"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }
    static var capturesAvailable: Bool { FileManager.default.fileExists(atPath: shared.appendingPathComponent("captures").path) }

    /// monitors.md §D.14–16 lines, each with CR LF, cycled to `count` lines.
    static func masimo(_ count: Int) -> [UInt8] {
        let lines = [
            "02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800",
            "03/19/16 13:37:12 SN=0000093112 SPO2=---% BPM=---% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000001",
            "09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800",
        ]
        return (0..<count).flatMap { Array(lines[$0 % lines.count].utf8) + [0x0D, 0x0A] }
    }

    /// The real format 2 packet of monitors.md §D.12 (SYNC frame to frame 24), repeated.
    static func noninFormat2(_ packets: Int) -> [UInt8] {
        let frames = "01814300C5 0180434A0E 0180436024 0180439458 01804300C4 01804100C2 01803E17D6 01803C04C1 018039601A 0180366017 0180356016 01803400B5 01803400B5 01803400B5 0180354A00 0180366017 0180376018 01803A00BB 01804000C1 01804A00CB 0180574A22 01806900EA 01807C4A47 0180900011 0180A10022"
        let packet = frames.split(separator: " ").flatMap { f in stride(from: 0, to: 10, by: 2).map { UInt8(f.dropFirst($0).prefix(2), radix: 16)! } }
        return (0..<packets).flatMap { _ in packet }
    }

    /// vital-signs-monitors.md §2.11 replies (the real V100 one and the worked examples).
    static let dinamapReplies: [UInt8] = [
        "20 4e 46 31 31 30 31 37 36 32 31 32 37 30 37 33 30 37 38 26 3c 0d",
        "20 4f 41 31 30 39 37 39 31 35 23 4a 0d", "20 52 41 32 30 37 32 22 45 0d",
        "20 54 43 30 30 21 30 30 31 32 30 30 39 38 36 31 25 23 0d",
        "20 4e 41 31 31 30 30 33 31 32 31 32 34 30 37 38 30 39 33 26 2c 0d",
    ].flatMap { $0.split(separator: " ").map { UInt8($0, radix: 16)! } }

    /// What a simulator sends on its own for `seconds` (the listen-only devices stream unasked).
    static func simulatorStream<S: DeviceSimulator>(_ type: S.Type, options: [String: String] = [:], seconds: Int) -> [UInt8] {
        var sim = S(configuration: SimulatorConfiguration(seed: 7, scenarioSpeed: 1, options: options))
        var out = SimulatorOutput()
        var now = Timestamp(secondsSinceEpoch: 1_700_000_000)
        sim.start(now: now, into: &out)
        var bytes = out.transmit
        for _ in 0..<(seconds * 10) {
            now = now.adding(nanoseconds: 100_000_000)
            out.reset()
            sim.tick(now: now, into: &out)
            bytes += out.transmit
        }
        return bytes
    }

    @Test func realMasimoLinesAreMasimo() {
        let v = ProtocolSniffer.identify(Self.masimo(6), candidates: Self.candidates)
        #expect(v.driverName == "masimo-ascii", "\(v.explanation)")
        #expect(v.best!.confidence >= ProtocolSniffer.minimumConfidence)
    }

    /// A live port joined mid-line (`bedside probe`): the cut first line is forgiven once, and only
    /// before the first accepted line; a recording from its start is judged strictly.
    @Test func aStreamJoinedMidLineIsForgivenItsCutFirstLine() {
        let joined = Array(Self.masimo(4).dropFirst(20))
        #expect(ProtocolSniffer.identify(joined, candidates: Self.candidates).driverName == nil, "strict: 3 lines passed, 1 refused")
        let v = ProtocolSniffer.identify(joined, candidates: Self.candidates, joinedMidStream: true)
        #expect(v.driverName == "masimo-ascii", "\(v.explanation)")
        // A damaged line later on still counts: 3 passed, 1 refused after the first.
        var damaged = Self.masimo(4)
        damaged[Self.masimo(1).count + 5] = UInt8(ascii: "#")
        #expect(ProtocolSniffer.identify(damaged, candidates: Self.candidates, joinedMidStream: true).driverName == nil)
    }

    @Test func theRealNoninPacketIsFormat2() {
        let v = ProtocolSniffer.identify(Self.noninFormat2(3), candidates: Self.candidates)
        #expect(v.driverName == "nonin" && v.recognized?.options == ["format": "2"], "\(v.explanation)")
    }

    @Test func dinamapRepliesAreDinamap() {
        let v = ProtocolSniffer.identify(Self.dinamapReplies, candidates: Self.candidates)
        #expect(v.driverName == "ge-dinamap", "\(v.explanation)")
    }

    @Test(.enabled(if: capturesAvailable, "needs ../shared/captures next to the package (or BEDSIDE_SHARED)"))
    func realGEDatexCaptureIsGEDatex() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.shared.appendingPathComponent("captures/ge-datex-s5/s5-level11-vscapturewave.raw")))
        let v = ProtocolSniffer.identify(bytes, candidates: Self.candidates)
        #expect(v.driverName == "ge-datex", "\(v.explanation)")
    }

    @Test(.enabled(if: capturesAvailable, "needs ../shared/captures next to the package (or BEDSIDE_SHARED)"))
    func realIntelliVueFramesAreIntelliVue() throws {
        // The MP70 log's frames without their time stamps: what the monitor put on the wire.
        let log = [UInt8](try Data(contentsOf: Self.shared.appendingPathComponent("captures/intellivue-mp70/mp70-serial-demo-mode.log")))
        let capture = try IntelliVueSerialLog.importLog(log, source: "mp70")
        let bytes = capture.chunks.filter { $0.direction == .rx }.flatMap(\.bytes)
        let v = ProtocolSniffer.identify(bytes, candidates: Self.candidates)
        #expect(v.driverName == "intellivue", "\(v.explanation)")
    }

    @Test(arguments: ["2", "7", "8"])
    func everyNoninFormatOfTheSimulatorIsTold(format: String) {
        let v = ProtocolSniffer.identify(Self.simulatorStream(NoninSimulator.self, options: ["format": format], seconds: 20), candidates: Self.candidates)
        #expect(v.driverName == "nonin" && v.recognized?.options == ["format": format], "\(v.explanation)")
    }

    @Test func theMasimoSimulatorIsMasimo() {
        #expect(ProtocolSniffer.identify(Self.simulatorStream(MasimoASCIISimulator.self, seconds: 10), candidates: Self.candidates).driverName == "masimo-ascii")
    }

    @Test func tooLittleEvidenceIsUnknown() {
        // One line, one packet, one reply: each passes its checks, but that is not enough to tell.
        for bytes in [Self.masimo(1), Self.noninFormat2(1), Array(Self.dinamapReplies.prefix(22))] {
            let v = ProtocolSniffer.identify(bytes, candidates: Self.candidates)
            #expect(v.recognized == nil, "\(v.explanation)")
            #expect(v.explanation.hasPrefix("unknown"))
        }
    }

    @Test func noiseTextAndSilenceAreUnknown() {
        var random = SplitMix(seed: 42)
        let noise = (0..<65536).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let text = Array(String(repeating: "The quick brown fox jumps over the lazy dog.\r\n", count: 200).utf8)
        for bytes in [noise, text, [UInt8](repeating: 0, count: 4096), []] {
            let v = ProtocolSniffer.identify(bytes, candidates: Self.candidates)
            #expect(v.recognized == nil, "\(v.explanation)")
        }
    }

    @Test func aDamagedStreamBelowTheThresholdIsUnknown() {
        // Masimo lines with every second one damaged: half refused, below 90 %.
        var bytes: [UInt8] = []
        for (i, line) in Self.masimo(20).split(separator: 0x0A).enumerated() {
            var l = Array(line)
            if i % 2 == 1 { l[3] = UInt8(ascii: "x") }
            bytes += l + [0x0A]
        }
        let v = ProtocolSniffer.identify(bytes, candidates: Self.candidates)
        #expect(v.recognized == nil, "\(v.explanation)")
        #expect(v.best?.candidate.driver.descriptor.name == "masimo-ascii", "still the best guess, named in the explanation")
    }
}

/// SplitMix64, for seeded noise.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
