import Testing
@testable import BedsideModel

@Suite struct TimestampTests {
    @Test func formatsRFC3339() {
        #expect(Timestamp(secondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00Z")
        // 2018-07-26 17:06:05 UTC, the first record of the B650 capture.
        #expect(Timestamp(secondsSinceEpoch: 1_532_624_765).rfc3339 == "2018-07-26T17:06:05Z")
        #expect(Timestamp(secondsSinceEpoch: 1_532_624_765, nanoseconds: 250_000_000).rfc3339 == "2018-07-26T17:06:05.250Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999999999Z")
        #expect(Timestamp(secondsSinceEpoch: 951_825_600).rfc3339 == "2000-02-29T12:00:00Z")
    }

    @Test func roundTrips() throws {
        for ns: Int64 in [0, 1, 1_000, 1_764_064_337_123_456_789, -86_400_000_000_000, 4_102_444_800_000_000_000] {
            let t = Timestamp(nanosecondsSinceEpoch: ns)
            #expect(Timestamp(rfc3339: t.rfc3339) == t)
        }
        #expect(Timestamp(rfc3339: "2026-11-25T10:52:17+01:00") == Timestamp(rfc3339: "2026-11-25T09:52:17Z"))
        #expect(Timestamp(rfc3339: "2026-13-25T10:52:17Z") == nil)
        #expect(Timestamp(rfc3339: "2026-11-25T10:52:17") == nil)
    }
}
