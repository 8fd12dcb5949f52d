import Testing
@testable import IntelliVue

@Suite struct FramingTests {
    /// Feeds `bytes` and collects events plus the messages of valid frames.
    func decode(_ bytes: [UInt8], decoder: inout IntelliVueFrameDecoder) -> (events: [IntelliVueFrameDecoder.Event], messages: [[UInt8]]) {
        var events: [IntelliVueFrameDecoder.Event] = [], messages: [[UInt8]] = []
        bytes.withUnsafeBytes { raw in
            var i = 0
            while let e = decoder.next(in: raw, from: &i) {
                events.append(e)
                if e == .frame { messages.append(decoder.message) }
            }
        }
        return (events, messages)
    }

    func decode(_ bytes: [UInt8]) -> (events: [IntelliVueFrameDecoder.Event], messages: [[UInt8]]) {
        var d = IntelliVueFrameDecoder()
        return decode(bytes, decoder: &d)
    }

    @Test func fcsIsCRC16X25() {
        #expect(IntelliVueFCS.checksum(Array("123456789".utf8)) == 0x906e)
        // Guide examples: data 3a 71 → send 9b 26; data 3a 91 → send 95 c1 (LSB first).
        #expect(IntelliVueFCS.checksum([0x3a, 0x71]) == 0x269b)
        #expect(IntelliVueFCS.checksum([0x3a, 0x91]) == 0xc195)
        var crc = IntelliVueFCS.initial
        for b: UInt8 in [0x3a, 0x71, 0x9b, 0x26] { crc = IntelliVueFCS.update(crc, b) }
        #expect(crc == IntelliVueFCS.goodResidue)
    }

    @Test("the sliced FCS (sixteen and eight bytes a step) equals the byte-by-byte one for every length and start")
    func slicedFCSAgreesWithByteByByte() {
        let bytes: [UInt8] = (0..<67).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
        IntelliVueFCS.slices.withUnsafeBufferPointer { slices in
            bytes.withUnsafeBufferPointer { all in
                for start in 0..<9 {
                    for count in 0...(bytes.count - start) {
                        var expected: UInt16 = 0x1d0f &+ UInt16(start)
                        for b in all[start..<(start + count)] { expected = IntelliVueFCS.update(expected, b) }
                        let sliced = IntelliVueFCS.update(0x1d0f &+ UInt16(start), all.baseAddress! + start, count: count,
                                                          slices: slices)
                        #expect(sliced == expected, "start \(start), count \(count)")
                    }
                }
            }
        }
    }

    @Test("the framer's one-pass copy and FCS accept every message length, runs split at every escape and read size")
    func framerChecksRunsOfEveryLength() {
        for length in 0...70 {
            // Ordinary bytes with an escaped one (0x7d) every 23: runs of many lengths and offsets.
            let message: [UInt8] = (0..<length).map { $0 % 23 == 22 ? 0x7d : UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
                .map { $0 == 0xc0 || $0 == 0xc1 ? 0x41 : $0 }
            let frame = IntelliVueFrameEncoder.frame(message)
            for readSize in [1, 7, 16, 17, frame.count] {
                var decoder = IntelliVueFrameDecoder()
                var events: [IntelliVueFrameDecoder.Event] = [], messages: [[UInt8]] = []
                var at = 0
                while at < frame.count {
                    let end = min(frame.count, at + readSize)
                    let (e, m) = decode(Array(frame[at..<end]), decoder: &decoder)
                    events += e
                    messages += m
                    at = end
                }
                #expect(events == [.frame] && messages == [message], "length \(length), reads of \(readSize)")
            }
        }
    }

    @Test func encodesReleaseRequestAsTheNotesShow() {
        let frame = IntelliVueFrameEncoder.frame(AssociationMessages.releaseRequest)
        #expect(hexString(frame) == "c0 11 01 00 1a 09 18 7d e1 16 61 80 30 80 02 01 01 a0 80 62 80 80 01 00 00 00 00 00 00 00 00 00 41 08 c1")
    }

    @Test func roundTripsAndEscapesHeaderDataAndFCS() {
        // 192 data bytes: the length byte is 0xc0 and must be escaped too.
        var message: [UInt8] = (0..<192).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        message[0] = 0xc0; message[1] = 0xc1; message[2] = 0x7d
        let frame = IntelliVueFrameEncoder.frame(message)
        #expect(Array(frame[0..<6]) == [0xc0, 0x11, 0x01, 0x00, 0x7d, 0xe0])
        #expect(frame.dropFirst().dropLast().allSatisfy { $0 != 0xc0 && $0 != 0xc1 })
        let result = decode(frame)
        #expect(result.events == [.frame])
        #expect(result.messages == [message])
    }

    @Test func escapedFCSByteIsHandled() {
        // Find a message whose FCS contains an escapable byte.
        var found = false
        for n in 0..<5000 {
            let message: [UInt8] = [0xe1, UInt8(n & 0xff), UInt8(n >> 8)]
            var header: [UInt8] = [0x11, 0x01, 0x00, 0x03]
            header += message
            let fcs = IntelliVueFCS.checksum(header)
            let lo = UInt8(fcs & 0xff), hi = UInt8(fcs >> 8)
            guard [0xc0, 0xc1, 0x7d].contains(lo) || [0xc0, 0xc1, 0x7d].contains(hi) else { continue }
            let frame = IntelliVueFrameEncoder.frame(message)
            #expect(frame.count > 3 + 4 + 2 + 2)
            #expect(decode(frame).messages == [message])
            found = true
            break
        }
        #expect(found)
    }

    @Test func splitAcrossReadsGivesTheSameFrames() {
        let a = IntelliVueFrameEncoder.frame(AssociationMessages.releaseRequest)
        let b = IntelliVueFrameEncoder.frame(AssociationMessages.abort)
        var d = IntelliVueFrameDecoder()
        var messages: [[UInt8]] = []
        for byte in a + b {
            messages += decode([byte], decoder: &d).messages
        }
        #expect(messages == [AssociationMessages.releaseRequest, AssociationMessages.abort])
    }

    @Test func badFCSIsDroppedAndTheNextFrameStillDecodes() {
        var bad = IntelliVueFrameEncoder.frame(AssociationMessages.releaseRequest)
        bad[10] ^= 0x04
        let good = IntelliVueFrameEncoder.frame(AssociationMessages.refuse)
        let r = decode(bad + good)
        #expect(r.events == [.dropped(.badFCS), .frame])
        #expect(r.messages == [AssociationMessages.refuse])
    }

    @Test func strayBytesBetweenFramesAreCountedNotDecoded() {
        let f = IntelliVueFrameEncoder.frame(AssociationMessages.refuse)
        let r = decode([0x01, 0x02, 0xc1, 0x41] + f + [0x55, 0x66])
        #expect(r.events == [.dropped(.strayBytes(4)), .frame, .dropped(.strayBytes(2))])
        #expect(r.messages.count == 1)
    }

    @Test func truncatedFrameIsDroppedWhenANewOneStarts() {
        let f = IntelliVueFrameEncoder.frame(AssociationMessages.refuse)
        let r = decode(Array(f.prefix(6)) + f)
        #expect(r.events == [.dropped(.truncated), .frame])
    }

    @Test func senderAbortDiscardsThePartialFrame() {
        let f = IntelliVueFrameEncoder.frame(AssociationMessages.refuse)
        let r = decode(Array(f.prefix(5)) + [0x7d, 0xc1] + f)
        #expect(r.events == [.dropped(.aborted), .frame])
    }

    @Test func oversizeFrameIsDroppedAndSkippedToItsEnd() {
        var junk: [UInt8] = [0xc0]
        junk += [UInt8](repeating: 0x42, count: IntelliVueFraming.maximumUnescapedFrameLength + 10)
        junk.append(0xc1)
        let f = IntelliVueFrameEncoder.frame(AssociationMessages.refuse)
        let r = decode(junk + f)
        #expect(r.events == [.dropped(.oversize), .frame])
    }

    @Test func tooShortForeignAndLengthMismatchAreDropped() {
        #expect(decode([0xc0, 0x11, 0x01, 0xc1]).events == [.dropped(.tooShort)])
        // A valid FCS over a foreign header (lifetick / other protocol).
        func raw(_ content: [UInt8]) -> [UInt8] {
            let fcs = IntelliVueFCS.checksum(content)
            var out: [UInt8] = [0xc0]
            for b in content + [UInt8(fcs & 0xff), UInt8(fcs >> 8)] { IntelliVueFrameEncoder.appendEscaped(b, to: &out) }
            return out + [0xc1]
        }
        #expect(decode(raw([0x12, 0x01, 0x00, 0x01, 0x00])).events == [.dropped(.foreignHeader(protocolID: 0x12, messageType: 0x01))])
        #expect(decode(raw([0x11, 0x01, 0x00, 0x05, 0x00])).events == [.dropped(.lengthMismatch(declared: 5, actual: 1))])
        #expect(decode(raw([0x11, 0x01, 0x07, 0xff, 0x00])).events == [.dropped(.oversize)])
    }

    @Test func realFramesFromTheNotesDecode() {
        let frames = [
            "c0 11 01 00 24 e1 00 00 02 00 02 00 1c 00 00 00 05 00 16 00 21 00 00 00 00 00 01 00 0c f2 3a 00 08 00 01 00 04 00 02 01 01 3b 2e c1",
            "c0 11 01 00 12 e1 00 00 02 00 03 00 0a 00 05 00 0a 00 04 00 00 00 00 5b b7 c1",
            "c0 11 01 00 32 e1 00 00 02 00 02 00 2a 00 08 00 07 00 24 00 21 00 00 00 00 f1 3b 00 1a 00 00 00 00 a5 bd cd 00 ff ff ff ff ff ff ff ff 00 01 00 06 08 11 00 00 00 00 dc 3a c1",
            "c0 11 01 00 3e e1 00 00 02 00 02 00 36 00 07 00 07 00 30 00 21 00 00 00 00 f1 3b 00 26 00 02 00 00 a5 bd cd 00 ff ff ff ff ff ff ff ff 00 01 00 36 08 01 00 01 00 0c 00 00 00 01 00 06 ff ff 00 00 00 00 7e ca c1",
        ]
        for f in frames {
            let r = decode(bytes(f))
            #expect(r.events == [.frame])
            // Re-encoding the message reproduces the monitor's frame byte for byte.
            #expect(IntelliVueFrameEncoder.frame(r.messages[0]) == bytes(f))
        }
    }
}
