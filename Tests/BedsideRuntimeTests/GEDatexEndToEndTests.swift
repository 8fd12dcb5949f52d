import BedsidePlatform
import BedsideDriver
import BedsideModel
import GEDatex
import Testing
@testable import BedsideRuntime

@Suite("GE Datex end to end over a pseudo-terminal")
struct GEDatexEndToEndTests {
    @Test("the GE simulator and the GE driver pipeline: readings with valid states and UCUM units")
    func readingsArrive() async throws {
        try await withTimeout("GE readings") {
            let pty = try TestPTY.open()
            let clock = BridgeClock()
            let bus = FeedBus()
            let subscription = bus.subscribe(name: "test")
            let source = bus.addSource(identity: DeviceIdentity(
                driver: GEDatexDriver.descriptor.name, vendor: GEDatexDriver.descriptor.vendor, port: "pty",
                location: "chair-1"))
            let recorder = CollectingRecorder()
            let pipeline = PortPipeline(driver: GEDatexDriver(configuration: DriverConfiguration()), source: source,
                                        clock: clock, recorder: recorder)
            // A fast scenario so several displayed-value records arrive within seconds.
            let host = SimulatorHost(simulator: GEDatexSimulator(configuration: SimulatorConfiguration(seed: 7, scenarioSpeed: 10)),
                                     clock: clock)
            let hostRun = Task { try await host.run(on: try await TestPTY.channel(for: pty.controller)) }
            let run = Task { try await pipeline.run(on: try await TestPTY.channel(for: pty.device)) }

            var numerics: [NumericReading] = []
            var waveforms = 0
            var seqs: [UInt64] = []
            for await event in subscription {
                let record = try #require(event.record)
                seqs.append(record.seq)
                #expect(record.device.driver == "ge-datex" && record.device.location == "chair-1")
                switch record.observation {
                case .numeric(let r): numerics.append(r)
                case .waveform: waveforms += 1
                default: break
                }
                if numerics.filter({ $0.state == .valid }).count >= 10 && waveforms >= 3 { break }
            }
            pipeline.stop()
            let summary = try await run.value
            host.stop()
            _ = try await hostRun.value

            #expect(summary.endReason == .stopped)
            #expect(seqs == Array(1...UInt64(seqs.count)))
            let valid = numerics.filter { $0.state == .valid }
            #expect(valid.allSatisfy { $0.value != nil && $0.unit != nil }, "a valid reading needs a value and a unit")
            #expect(valid.contains { $0.metric.referenceID == "MDC_ECG_HEART_RATE" && $0.unit == "/min" })
            #expect(valid.contains { $0.unit == "%" })  // SpO2
            // Whatever is not valid says so and keeps no made-up number's unit unexplained.
            for r in numerics where r.state != .valid { #expect(r.reason != nil || r.value == nil) }
            // The request went out and the answers came back through the capture.
            #expect(!recorder.bytes(.tx).isEmpty && !recorder.bytes(.rx).isEmpty)
            #expect(recorder.finished)
        }
    }
}
