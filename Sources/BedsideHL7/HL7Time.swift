import BedsideModel

/// HL7 DTM (`YYYYMMDDHHMMSS[.SSS]±ZZZZ`): PCD requires seconds and a time zone on every time.
public enum HL7Time {
    /// `instant` written in the zone `utcOffsetSeconds` east of UTC (`+0000` for UTC). Milliseconds
    /// are written when not zero (DTM allows up to four fraction digits; device clocks give at most ms).
    public static func dtm(_ instant: Timestamp, utcOffsetSeconds: Int32 = 0) -> String {
        let local = instant.nanosecondsSinceEpoch + Int64(utcOffsetSeconds) * 1_000_000_000
        let (secondsQ, nanosR) = local.quotientAndRemainder(dividingBy: 1_000_000_000)
        let seconds = nanosR < 0 ? secondsQ - 1 : secondsQ
        let nanos = nanosR < 0 ? nanosR + 1_000_000_000 : nanosR
        let (daysQ, secR) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let days = secR < 0 ? daysQ - 1 : daysQ
        let secOfDay = secR < 0 ? secR + 86_400 : secR
        let (y, m, d) = civil(fromDays: days)
        var out = pad(y, 4) + pad(m, 2) + pad(d, 2) + pad(secOfDay / 3600, 2) + pad(secOfDay / 60 % 60, 2) + pad(secOfDay % 60, 2)
        let millis = nanos / 1_000_000
        if millis != 0 { out += "." + pad(millis, 3) }
        let offsetMinutes = Int64(utcOffsetSeconds) / 60
        out += (offsetMinutes < 0 ? "-" : "+") + pad(abs(offsetMinutes) / 60, 2) + pad(abs(offsetMinutes) % 60, 2)
        return out
    }

    /// A device time with its own offset; a protocol-UTC device time as `+0000`.
    public static func dtm(_ time: DeviceTime) -> String { dtm(time.instant, utcOffsetSeconds: time.utcOffsetSeconds ?? 0) }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
