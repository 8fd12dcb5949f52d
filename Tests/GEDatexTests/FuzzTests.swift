import BedsideTestSupport
import BedsideDriver
import BedsideModel
import Testing
@testable import GEDatex

@Suite("GE framing and decoding under hostile input")
struct FuzzTests {
    @Test("random bytes in random chunks never crash and never produce data", arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytes(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        var bytes = [UInt8](repeating: 0, count: 200_000)
        for i in bytes.indices {
            // Plenty of flags and escapes so the framer's edge cases get exercised.
            let r = rng.next()
            bytes[i] = r % 17 == 0 ? 0x7E : (r % 23 == 0 ? 0x7D : UInt8(truncatingIfNeeded: r >> 8))
        }
        var driver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var out = DriverOutput()
        var data = 0
        var i = 0
        while i < bytes.count {
            let n = min(Int(rng.next() % 700) + 1, bytes.count - i)
            driver.receive(Array(bytes[i..<(i + n)]), now: seconds(Double(i)), into: &out)
            data += out.observations.data.count
            out.reset()
            i += n
        }
        #expect(data == 0)
        #expect(driver.frameCounters.frames == 0)
    }

    enum Mutation: CaseIterable { case bitFlip, truncate, insertFlag, insertEscape, lengthField, mergeWithNext }

    /// Intact records of a real capture (or, without the captures, of the simulator).
    static func sourceRecords() throws -> [[UInt8]] {
        if SharedData.available {
            return decodeFrames(try SharedData.bytes("b650-db02-pycollect.raw")).map(\.bytes)
        }
        var sim = GEDatexSimulator(configuration: .init())
        var out = SimulatorOutput()
        sim.start(now: t0, into: &out)
        sim.receive(GEDatexFrameEncoder.frame(record: GEDatexRequest.displayedValues(intervalSeconds: 1, classes: .all, driLevel: 0)),
                    now: t0, into: &out)
        for s in 1...100 { sim.tick(now: seconds(Double(s)), into: &out) }
        return decodeFrames(out.transmit).map(\.bytes)
    }

    static func mutate(_ record: [UInt8], _ m: Mutation, _ rng: inout SplitMix64) -> [UInt8] {
        var frame = GEDatexFrameEncoder.frame(record: record)
        let inner = 1..<(frame.count - 1)
        let at = inner.lowerBound + Int(rng.next() % UInt64(inner.count))
        switch m {
        case .bitFlip:
            frame[at] ^= UInt8(1) << UInt8(rng.next() % 8)
            if frame[at] == 0x7E || frame[at] == 0x7D { frame[at] ^= 0x01 }  // keep it a flip, not a new flag
        case .truncate:
            frame.removeSubrange(at..<(frame.count - 1))
        case .insertFlag:
            frame.insert(0x7E, at: at)
        case .insertEscape:
            frame.insert(0x7D, at: at)
        case .lengthField:
            var r = record
            let len = Int16(r.count) + Int16(rng.next() % 20) - 10
            r.storeLE(len == Int16(r.count) ? len + 1 : len, at: 0)
            frame = GEDatexFrameEncoder.frame(record: r)  // checksum recomputed: only r_len is wrong
        case .mergeWithNext:
            frame.removeLast()  // no closing flag: the caller appends the next frame without its opening flag
        }
        return frame
    }

    @Test("mutated real frames: output equals that of the intact frames alone", arguments: Mutation.allCases)
    func mutatedFrames(mutation: Mutation) throws {
        var rng = SplitMix64(state: 99)
        let records = try Self.sourceRecords()
        try #require(records.count > 50)
        // Build the hostile stream and, alongside, the records a perfect receiver would keep.
        var chunks: [(bytes: [UInt8], intact: [[UInt8]])] = []
        var mutated = 0
        var k = 0
        while k < records.count {
            if rng.next() % 4 == 0 {
                var bytes = Self.mutate(records[k], mutation, &rng)
                mutated += 1
                if mutation == .mergeWithNext, k + 1 < records.count {
                    bytes += GEDatexFrameEncoder.frame(record: records[k + 1]).dropFirst()
                    k += 1
                }
                chunks.append((bytes, []))
            } else {
                chunks.append((GEDatexFrameEncoder.frame(record: records[k]), [records[k]]))
            }
            k += 1
        }
        var fuzzDriver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var referenceDriver = GEDatexDriver(configuration: DriverConfiguration(transmitEnabled: false))
        var fuzzed = DriverOutput()
        var reference = DriverOutput()
        var fuzzData: [Observation] = []
        var referenceData: [Observation] = []
        for (index, chunk) in chunks.enumerated() {
            let now = seconds(Double(index))
            var i = 0
            while i < chunk.bytes.count {
                let n = min(Int(rng.next() % 97) + 1, chunk.bytes.count - i)
                fuzzDriver.receive(Array(chunk.bytes[i..<(i + n)]), now: now, into: &fuzzed)
                i += n
            }
            fuzzData += fuzzed.observations.data
            fuzzed.reset()
            for record in chunk.intact {
                referenceDriver.receive(GEDatexFrameEncoder.frame(record: record), now: now, into: &reference)
            }
            referenceData += reference.observations.data
            reference.reset()
        }
        #expect(mutated > 5)
        #expect(fuzzData.count == referenceData.count)
        let firstDifference = zip(fuzzData, referenceData).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "first differing observation at \(firstDifference ?? -1)")
        let c = fuzzDriver.frameCounters
        #expect(c.frames == referenceDriver.frameCounters.frames)
        #expect(c.checksumErrors + c.lengthErrors + c.unknownMainTypes + c.oversizeFrames >= mutated)
    }

    @Test("oversize garbage without a flag is bounded and the next frame still decodes")
    func oversize() throws {
        var framer = GEDatexFrameDecoder(maximumFrameLength: 4096)
        let good = GEDatexFrameEncoder.frame(record: GEDatexRequest.displayedValues(intervalSeconds: 5, classes: .all, driLevel: 0))
        let stream = [UInt8(0x7E)] + [UInt8](repeating: 0x55, count: 100_000) + good
        var outcomes: [GEDatexFrameDecoder.Outcome] = []
        stream.withUnsafeBytes { buf in
            var i = 0
            while let o = framer.next(in: buf, from: &i) { outcomes.append(o) }
        }
        #expect(outcomes == [.oversize, .frame])
        #expect(framer.counters.bytesDiscarded >= 100_000)
    }
}
