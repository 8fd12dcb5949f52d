import BedsideDriver
import BedsideModel
import Testing
@testable import GEDinamap

/// Damaged and cut replies never yield a value.
@Suite struct CorruptionTests {
    @Test(arguments: NotesReplies.all)
    func everySingleBitFlipIsRejected(reply: [UInt8]) {
        let body = reply.dropLast()  // the CR
        for i in body.indices {
            for bit in 0..<8 {
                var damaged = Array(body)
                damaged[i] ^= UInt8(1 << bit)
                guard damaged[i] != 0x0D else { continue }  // a flip into CR cuts the line: below
                let out = listen([damaged + [0x0D]])
                #expect(out.numerics.isEmpty && out.alarms.isEmpty, "flip of bit \(bit) at \(i) yielded values")
                #expect(out.counters[.framesAccepted] == nil)
            }
        }
    }

    @Test(arguments: NotesReplies.all)
    func everyTruncationIsRejected(reply: [UInt8]) {
        for cut in 1..<(reply.count - 1) {
            let out = listen([Array(reply[..<cut]) + [0x0D]])
            #expect(out.numerics.isEmpty && out.alarms.isEmpty, "cut at \(cut) yielded values")
        }
        // A reply that lost its tail and ran into the next: one line, rejected; the next one decodes.
        for cut in 1..<(reply.count - 1) {
            let out = listen([Array(reply[..<cut]) + NotesReplies.oaOK + NotesReplies.oaOK])
            #expect(out.counters[.framesAccepted] == 1)
            #expect(out.readings("ge-dinamap:OA.spo2").count == 1)
        }
    }

    @Test func noiseAndOverlongLinesAreCountedAndResynchronise() {
        let out = listen([[UInt8](repeating: 0x31, count: 500) + [0x0D] + [0x00, 0xFF, 0x0D] + NotesReplies.oaOK])
        #expect(out.counters[.lengthErrors] == 1)
        #expect(out.counters[.framesAccepted] == 1)
        #expect(out.readings("ge-dinamap:OA.spo2").first?.value == DecimalValue(mantissa: 97))
    }

    @Test func chunkingDoesNotChangeTheOutput() {
        let stream = NotesReplies.all.flatMap { $0 }
        var whole = GEDinamapDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var w = DriverOutput()
        whole.start(now: t0, into: &w)
        w.reset()
        whole.receive(stream, now: t0, into: &w)
        for size in [1, 3, 10] {
            var driver = GEDinamapDriver(configuration: DriverConfiguration(transmitEnabled: false))
            var out = DriverOutput()
            driver.start(now: t0, into: &out)
            var observations: [Observation] = []
            for start in stride(from: 0, to: stream.count, by: size) {
                out.reset()
                driver.receive(Array(stream[start..<min(start + size, stream.count)]), now: t0, into: &out)
                observations += out.observations
            }
            #expect(observations == w.observations, "chunks of \(size)")
        }
    }
}
