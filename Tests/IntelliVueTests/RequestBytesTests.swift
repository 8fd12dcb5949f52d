import BedsideDriver
import BedsideModel
import Testing
@testable import IntelliVue

/// The logs hold only the monitor's side, so the client's requests are pinned here against the
/// byte layouts of our protocol notes (§2, §3).
@Suite struct RequestBytesTests {
    static let presentationBlock = """
    31 80 a0 80 80 01 01 00 00 a2 80 a0 03 00 00 01 a4 80 30 80 02 01 01 06 04 52 01 00 01 30 80 06
    02 51 01 00 00 00 00 30 80 02 01 02 06 0c 2a 86 48 ce 14 02 01 00 00 00 01 01 30 80 06 0c 2a 86
    48 ce 14 02 01 00 00 00 02 01 00 00 00 00 00 00 61 80 30 80 02 01 01 a0 80 60 80 a1 80 06 0c 2a
    86 48 ce 14 02 01 00 00 00 03 01 00 00 be 80 28 80 06 0c 2a 86 48 ce 14 02 01 00 00 00 01 01 02
    01 02 81
    """

    @Test func associationRequestMatchesTheNotes() {
        let expected = bytes("0d ec 05 08 13 01 00 16 01 02 80 00 14 02 00 02 c1 dc") + bytes(Self.presentationBlock)
            + bytes("""
            48 80 00 00 00 40 00 00 00 00 00 00 00 80 00 00 00 20 00 00 00 00 00 00 00 00 01 00 2c 00 01 00 28
            80 00 00 00 00 0c 35 00 00 00 03 e8 00 00 03 e8 ff ff ff ff 60 00 00 00 00 01 00 0c f0 01 00 08
            8c 00 00 00 00 00 00 00
            """) + [UInt8](repeating: 0, count: 16)
        let driver = IntelliVueDriver(configuration: DriverConfiguration())
        let aarq = AssociationMessages.associationRequest(driver.proposedProfile)
        #expect(aarq.count == 238)
        #expect(aarq == expected)
        let frame = IntelliVueFrameEncoder.frame(aarq)
        #expect(Array(frame.prefix(24)) == bytes("c0 11 01 00 ee 0d ec 05 08 13 01 00 16 01 02 80 00 14 02 00 02 7d e1 dc"))
        #expect(Array(frame.suffix(4)) == bytes("00 2b 5a c1"))
    }

    @Test func associationResponseBuilderReproducesTheRealMP70Response() {
        let real = bytes("""
        0e ce 05 08 13 01 00 16 01 02 80 00 14 02 00 02 c1 be 31 80 a0 80 80 01 01 00 00 a2 80 a0 03 00
        00 01 a5 80 30 80 80 01 00 81 02 51 01 00 00 30 80 80 01 00 81 0c 2a 86 48 ce 14 02 01 00 00 00
        02 01 00 00 00 00 61 80 30 80 02 01 01 a0 80 61 80 a1 80 06 0c 2a 86 48 ce 14 02 01 00 00 00 03
        01 00 00 a2 03 02 01 00 a3 05 a1 03 02 01 00 be 80 28 80 02 01 02 81 48 80 00 00 00 40 00 00 00
        00 00 00 00 00 80 00 00 80 00 00 00 00 00 00 00 00 01 00 2c 00 01 00 28 80 00 00 00 00 0c 35 00
        00 00 03 e4 00 00 03 e4 ff ff ff ff 60 00 00 00 00 01 00 0c f0 01 00 08 88 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        """)
        let parsed = real.withUnsafeBytes { try? AssociationMessages.parsePollProfile($0) }
        #expect(parsed == IntelliVuePollProfile(minimumPollPeriodTicks: 800_000, maximumMTUReceive: 996, maximumMTUTransmit: 996,
                                                extensionOptions: 0x8800_0000, isServer: true))
        #expect(AssociationMessages.associationResponse(parsed!) == real)
    }

    @Test func mdsCreateResultMirrorsInvokeAndObject() {
        let m = DataExportRequests.eventReportResult(invokeID: 1, object: (0x21, 0, 0), currentTime: 0, eventType: 0x0d06)
        #expect(hexString(IntelliVueFrameEncoder.frame(m)) == "c0 11 01 00 1c e1 00 00 02 00 02 00 14 00 01 00 01 00 0e 00 21 00 00 00 00 00 00 00 00 0d 06 00 00 c3 09 c1")
    }

    @Test func pollRequestsMatchTheNotes() {
        let keepAlive = DataExportRequests.singlePoll(invokeID: 3, pollNumber: 2, objectClass: 0x36, attributeGroup: 0x0811)
        #expect(hexString(keepAlive) == "e1 00 00 02 00 01 00 1c 00 03 00 07 00 16 00 21 00 00 00 00 00 00 00 00 0c 16 00 08 00 02 00 01 00 36 08 11")
        #expect(Array(IntelliVueFrameEncoder.frame(keepAlive).suffix(3)) == [0x5e, 0x82, 0xc1])

        let numerics = DataExportRequests.extendedPoll(invokeID: 4, pollNumber: 3, objectClass: 6, attributeGroup: 0, activePeriodTicks: 480_000)
        #expect(hexString(numerics) == "e1 00 00 02 00 01 00 28 00 04 00 07 00 22 00 21 00 00 00 00 00 00 00 00 f1 3b 00 14 00 03 00 01 00 06 00 00 00 01 00 08 f1 3e 00 04 00 07 53 00")
        #expect(Array(IntelliVueFrameEncoder.frame(numerics).suffix(3)) == [0x8d, 0x50, 0xc1])

        let alerts = DataExportRequests.extendedPoll(invokeID: 5, pollNumber: 4, objectClass: 0x36, attributeGroup: 0x0801, activePeriodTicks: 480_000)
        #expect(Array(IntelliVueFrameEncoder.frame(alerts).suffix(3)) == [0x5c, 0xff, 0xc1])
        let waves = DataExportRequests.extendedPoll(invokeID: 6, pollNumber: 5, objectClass: 9, attributeGroup: 0, activePeriodTicks: 480_000)
        #expect(Array(IntelliVueFrameEncoder.frame(waves).suffix(3)) == [0x61, 0x17, 0xc1])
        let mds = DataExportRequests.singlePoll(invokeID: 2, pollNumber: 1, objectClass: 0x21, attributeGroup: 0)
        #expect(hexString(mds) == "e1 00 00 02 00 01 00 1c 00 02 00 07 00 16 00 21 00 00 00 00 00 00 00 00 0c 16 00 08 00 01 00 01 00 21 00 00")
        #expect(Array(IntelliVueFrameEncoder.frame(mds).suffix(3)) == [0x20, 0xbe, 0xc1])
    }

    @Test func wavePriorityListSetMatchesTheNotes() {
        let m = DataExportRequests.setWavePriorityList(invokeID: 7, labels: [0x0002_0102, 0x0002_4bb4])
        #expect(hexString(m) == "e1 00 00 02 00 01 00 26 00 07 00 05 00 20 00 21 00 00 00 00 00 00 00 00 00 01 00 12 00 00 f2 3a 00 0c 00 02 00 08 00 02 01 02 00 02 4b b4")
    }

    @Test func sessionMessagesHaveTheirFixedLayouts() {
        #expect(AssociationMessages.releaseRequest.count == 26)
        #expect(AssociationMessages.releaseResponse.count == 26)
        #expect(AssociationMessages.abort.count == 48)
        #expect(Int(AssociationMessages.abort[1]) == AssociationMessages.abort.count - 2)
        #expect(Int(AssociationMessages.releaseRequest[1]) == AssociationMessages.releaseRequest.count - 2)
        #expect(AssociationMessages.refuse == [0x0c, 0x03, 0x32, 0x01, 0x00])
    }

    /// What the driver itself puts on the wire at start: a stale-association release, then the AARQ.
    @Test func driverStartsWithReleaseThenAssociationRequest() {
        var driver = IntelliVueDriver(configuration: DriverConfiguration())
        var out = DriverOutput()
        driver.start(now: t(0), into: &out)
        #expect(out.transmit == IntelliVueFrameEncoder.frame(AssociationMessages.releaseRequest))
        #expect(out.nextDeadline == t(1))
        out.reset()
        driver.tick(now: t(1), into: &out)
        #expect(out.transmit == IntelliVueFrameEncoder.frame(AssociationMessages.associationRequest(driver.proposedProfile)))
        #expect(out.observations.contains { if case .link(let l) = $0 { l.kind == .requesting } else { false } })
    }
}
