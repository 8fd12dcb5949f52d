import BedsideModel
import Testing

@Suite("Device wall-clock time resolved in the device's zone")
struct DeviceTimeZoneTests {
    let zone = HandWrittenEUZone()

    func local(_ text: String) -> Int64 {
        Timestamp(rfc3339: text + "Z")!.secondsSinceEpoch  // the wall-clock reading, counted as if UTC
    }

    @Test func winterAndSummerReadingsGetTheirOwnOffsets() {
        let winter = zone.resolve(localSeconds: local("2026-01-15T10:00:00"))
        #expect(winter.rfc3339 == "2026-01-15T10:00:00+01:00")
        #expect(winter.instant == Timestamp(rfc3339: "2026-01-15T09:00:00Z"))
        let summer = zone.resolve(localSeconds: local("2026-07-26T17:06:05"))
        #expect(summer.rfc3339 == "2026-07-26T17:06:05+02:00")
        #expect(summer.instant == Timestamp(rfc3339: "2026-07-26T15:06:05Z"))
    }

    @Test func theRepeatedAutumnHourTakesTheEarlierInstant() {
        // 02:30 happens twice on 2026-10-25: first at +02:00 (00:30Z), then at +01:00 (01:30Z).
        let t = zone.resolve(localSeconds: local("2026-10-25T02:30:00"))
        #expect(t.utcOffsetSeconds == 7200)
        #expect(t.instant == Timestamp(rfc3339: "2026-10-25T00:30:00Z"))
        // Just after the repeated hour there is only one reading.
        #expect(zone.resolve(localSeconds: local("2026-10-25T03:00:00")).rfc3339 == "2026-10-25T03:00:00+01:00")
    }

    @Test func theSkippedSpringHourKeepsTheOffsetBeforeTheJump() {
        // 02:30 does not exist on 2026-03-29; a clock not yet adjusted shows it at +01:00.
        let t = zone.resolve(localSeconds: local("2026-03-29T02:30:00"))
        #expect(t.utcOffsetSeconds == 3600)
        #expect(t.instant == Timestamp(rfc3339: "2026-03-29T01:30:00Z"))
        #expect(zone.resolve(localSeconds: local("2026-03-29T03:00:00")).rfc3339 == "2026-03-29T03:00:00+02:00")
    }

    @Test func fractionsAndNegativeOffsetsAreWrittenExactly() {
        let newYork = FixedOffsetTimeZone(offsetSeconds: -5 * 3600)
        let t = newYork.resolve(localSeconds: local("2026-12-04T08:15:00"), nanoseconds: 250_000_000)
        #expect(t.rfc3339 == "2026-12-04T08:15:00.250-05:00")
        #expect(Timestamp(rfc3339: t.rfc3339) == t.instant)
        #expect(newYork.identifier == "UTC-05:00")
        #expect(FixedOffsetTimeZone.utc.identifier == "UTC")
    }

    @Test func aUTCDeviceClockIsWrittenWithZ() {
        let t = DeviceTime.utc(Timestamp(rfc3339: "2026-12-04T08:15:00Z")!)
        #expect(t.rfc3339 == "2026-12-04T08:15:00Z")
    }
}
