import Testing
@testable import AlarisAsena

/// Every literal frame of pumps.md §2.2 (copied from the notes, not made by our encoder).
@Suite("Asena frames and CRCs from the notes")
struct FramingVectorTests {
    /// Frames as the notes print them; `\r` = 0x0D.
    static let literals: [(frame: String, fields: [String])] = [
        ("!INST_SERIALNO|457D\r", ["INST_SERIALNO"]),
        ("!INST_SERIALNO^8002-51740|050B\r", ["INST_SERIALNO", "8002-51740"]),
        ("!REMOTE_CTRL^ENABLED^3CC1|B1F1\r", ["REMOTE_CTRL", "ENABLED", "3CC1"]),
        ("!INF|4961\r", ["INF"]),
        ("!INF_VTBI|8456\r", ["INF_VTBI"]),
        ("!COMMS_PROTOCOL|E8DA\r", ["COMMS_PROTOCOL"]),
        ("!COMMS_PROTOCOL^Asena Rev 2.1.5|661A\r", ["COMMS_PROTOCOL", "Asena Rev 2.1.5"]),
        ("!COMMS_RESPONSE_MAX^4000^ms|DFDF\r", ["COMMS_RESPONSE_MAX", "4000", "ms"]),
        ("!REMOTE_CTRL^ENABLED^****^PERMIT^0^ms|7BB0\r", ["REMOTE_CTRL", "ENABLED", "****", "PERMIT", "0", "ms"]),
        ("!SYRINGE_STATUS^BD PLASTIPAK^ 50^CONF|1CF8\r", ["SYRINGE_STATUS", "BD PLASTIPAK", " 50", "CONF"]),
        ("!INF_VI|B42C\r", ["INF_VI"]),
        ("!INF_RATE|8E6D\r", ["INF_RATE"]),
        ("!ALARM|50B2\r", ["ALARM"]),
        ("!SYRINGE_STATUS|4102\r", ["SYRINGE_STATUS"]),
        ("!INF^8002-51740^-^SET^0.10^ml/h^^0.000^ml^17.91^mmHg^24+^EVENT^127904|57D6\r",
         ["INF", "8002-51740", "-", "SET", "0.10", "ml/h", "", "0.000", "ml", "17.91", "mmHg", "24+", "EVENT", "127904"]),
        ("!INST_SERIALNO^1234-56789|0A5B\r", ["INST_SERIALNO", "1234-56789"]),
    ]

    @Test("Every literal frame verifies and splits into its fields")
    func literalsVerify() {
        for (frame, fields) in Self.literals {
            var decoder = AsenaFrameDecoder()
            #expect(decoder.feed(Array(frame.utf8)) == [.frame(fields)], "\(frame)")
        }
    }

    @Test("The hex dumps of the notes are the frames' bytes")
    func hexDumps() {
        #expect(Array("!INST_SERIALNO|457D\r".utf8) == [0x21, 0x49, 0x4e, 0x53, 0x54, 0x5f, 0x53, 0x45, 0x52, 0x49, 0x41, 0x4c, 0x4e, 0x4f,
                                                        0x7c, 0x34, 0x35, 0x37, 0x44, 0x0d])
        #expect(AsenaCommand.infusion.frame == [0x21, 0x49, 0x4e, 0x46, 0x7c, 0x34, 0x39, 0x36, 0x31, 0x0d])
        #expect(AsenaCommand.vtbi.frame == Array("!INF_VTBI|8456\r".utf8))
        #expect(AsenaCommand.serialNumber.frame == Array("!INST_SERIALNO|457D\r".utf8))
        #expect(AsenaCommand.protocolVersion.frame == Array("!COMMS_PROTOCOL|E8DA\r".utf8))
        #expect(AsenaCommand.alarm.frame == Array("!ALARM|50B2\r".utf8))
        #expect(AsenaCommand.syringe.frame == Array("!SYRINGE_STATUS|4102\r".utf8))
    }

    @Test("Unlock codes are the CRC of the serial text (8002-51740 → 3CC1, 8002-51733 → 9535, 1234-56789 → 3391)")
    func unlockCodes() {
        #expect(AsenaFraming.unlockCode(serial: "8002-51740") == "3CC1")
        #expect(AsenaFraming.unlockCode(serial: "8002-51733") == "9535")
        #expect(AsenaFraming.unlockCode(serial: "1234-56789") == "3391")
    }

    @Test("The one literal that does not verify: mdpnp's simulator reply !REMQUERY^DEACT^^^|E5C9 (CRC should be B968)")
    func inventedLiteralRefused() {
        var decoder = AsenaFrameDecoder()
        #expect(decoder.feed(Array("!REMQUERY^DEACT^^^|E5C9\r".utf8)) == [.error(.badCRC(declared: "E5C9", computed: "B968"))])
    }

    @Test("ALARM reply without <CR> (as the mdpnp simulator sends it) completes only with the next frame's start: refused, not read")
    func alarmWithoutCR() {
        var decoder = AsenaFrameDecoder()
        #expect(decoder.feed(Array("!ALARM^AL_NOALM^ ^ |C73B".utf8)).isEmpty)
        #expect(decoder.feed(Array("!INF|4961\r".utf8)) == [.error(.truncated), .frame(["INF"])])
        // With its <CR> the same literal verifies.
        #expect(decoder.feed(Array("!ALARM^AL_NOALM^ ^ |C73B\r".utf8)) == [.frame(["ALARM", "AL_NOALM", " ", " "])])
    }

    @Test("<ESC> aborts a reply in progress; bit flips and truncation never yield fields")
    func damage() {
        var decoder = AsenaFrameDecoder()
        #expect(decoder.feed(Array("!INF^8002-51740^-^SE".utf8) + [0x1B]) == [.error(.aborted)])
        let good = Array("!INF^8002-51740^-^SET^0.10^ml/h^^0.000^ml^17.91^mmHg^24+^EVENT^127904|57D6\r".utf8)
        for i in 1..<(good.count - 1) {
            for bit in 0..<8 {
                var bad = good
                bad[i] ^= UInt8(1 << bit)
                var d = AsenaFrameDecoder()
                let events = d.feed(bad)
                #expect(!events.contains { if case .frame = $0 { true } else { false } }, "flip at \(i) bit \(bit)")
            }
        }
        for cut in 0..<good.count - 1 {
            var d = AsenaFrameDecoder()
            #expect(d.feed(good.prefix(cut)).isEmpty)
        }
    }
}
