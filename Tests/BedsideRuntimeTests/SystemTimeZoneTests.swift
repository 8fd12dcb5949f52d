import BedsideDriver
import BedsideModel
import Testing
@testable import BedsideRuntime

/// Device wall-clock readings around daylight-saving changes, resolved with the system zone
/// database. Expected instants are from the published EU and US rules (EU: last Sunday of March
/// and October at 01:00 UTC; US: second Sunday of March and first Sunday of November at 02:00
/// local), cross-checked with `TZ=<zone> date -d @<seconds>`.
@Suite("System time zone")
struct SystemTimeZoneTests {
    static func berlin() throws -> SystemTimeZone { try SystemTimeZone(identifier: "Europe/Berlin") }

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: seconds) }

    @Test("Europe/Berlin, spring forward 2026-03-29: before, after, and the skipped hour")
    func berlinSpring() throws {
        let zone = try Self.berlin()
        let before = zone.resolve(year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59)
        #expect(before.instant == Self.at(1_774_745_999))  // 00:59:59Z
        #expect(before.utcOffsetSeconds == 3600)
        let after = zone.resolve(year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0)
        #expect(after.instant == Self.at(1_774_746_000))  // 01:00:00Z, one second later
        #expect(after.utcOffsetSeconds == 7200)
        #expect(after.rfc3339 == "2026-03-29T03:00:00+02:00")
        // 02:30 never happens on a correctly set clock: a clock not yet moved forward shows it,
        // so it is read with the offset before the jump.
        let skipped = zone.resolve(year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0)
        #expect(skipped.instant == Self.at(1_774_747_800))  // 01:30Z
        #expect(skipped.utcOffsetSeconds == 3600)
        #expect(skipped.rfc3339 == "2026-03-29T02:30:00+01:00")
    }

    @Test("Europe/Berlin, fall back 2026-10-25: the repeated hour resolves to its first pass")
    func berlinAutumn() throws {
        let zone = try Self.berlin()
        let repeated = zone.resolve(year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0)
        #expect(repeated.instant == Self.at(1_792_888_200))  // 00:30Z, CEST
        #expect(repeated.utcOffsetSeconds == 7200)
        #expect(repeated.rfc3339 == "2026-10-25T02:30:00+02:00")
        let after = zone.resolve(year: 2026, month: 10, day: 25, hour: 3, minute: 30, second: 0)
        #expect(after.instant == Self.at(1_792_895_400))  // 02:30Z, CET
        #expect(after.utcOffsetSeconds == 3600)
        // The second pass of 02:30 exists as an instant; the zone states its offset correctly.
        #expect(zone.utcOffset(at: Self.at(1_792_891_800)) == 3600)  // 01:30Z = 02:30 CET
    }

    @Test("America/New_York: skipped 02:30 on 2026-03-08, repeated 01:30 on 2026-11-01")
    func newYork() throws {
        let zone = try SystemTimeZone(identifier: "America/New_York")
        let skipped = zone.resolve(year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0)
        #expect(skipped.instant == Self.at(1_772_955_000))  // 07:30Z, read as EST
        #expect(skipped.utcOffsetSeconds == -18000)
        let repeated = zone.resolve(year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0)
        #expect(repeated.instant == Self.at(1_793_511_000))  // 05:30Z, EDT (first pass)
        #expect(repeated.utcOffsetSeconds == -14400)
        #expect(repeated.rfc3339 == "2026-11-01T01:30:00-04:00")
    }

    @Test("summer time mid-year, and nanoseconds kept")
    func midYear() throws {
        let t = try Self.berlin().resolve(year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0, nanoseconds: 250_000_000)
        #expect(t.instant == Timestamp(secondsSinceEpoch: 1_782_900_000, nanoseconds: 250_000_000))
        #expect(t.utcOffsetSeconds == 7200)
    }

    @Test("an unknown zone name is a typed error that names the fix")
    func unknownZone() {
        #expect(throws: DeviceTimeZoneError.unknownZone("Europe/Berlim")) {
            try SystemTimeZone(identifier: "Europe/Berlim")
        }
        #expect(throws: DeviceTimeZoneError.unknownZone("")) { try SystemTimeZone(identifier: "") }
        #expect(DeviceTimeZoneError.unknownZone("X").description.contains("IANA zone name such as Europe/Berlin"))
    }

    @Test("the host's zone has the host's identifier")
    func current() {
        #expect(!SystemTimeZone.current.identifier.isEmpty)
    }
}

@Suite("Port identity")
struct PortIdentityTests {
    @Test("a port's starting identity names the zone its device times are resolved in")
    func zoneInIdentity() throws {
        let zone = try SystemTimeZone.named("Europe/Berlin")
        let identity = DeviceIdentity.port("/dev/ttyUSB0", driver: DriverCatalog.registry.drivers[0].descriptor,
                                           configuration: .init(deviceTimeZone: zone), location: "chair-3")
        #expect(identity.timeZone == "Europe/Berlin")
        #expect(identity.location == "chair-3" && identity.port == "/dev/ttyUSB0")
        #expect(try SystemTimeZone.named(nil) == SystemTimeZone.current)
    }
}
