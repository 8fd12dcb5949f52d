import BedsideModel

/// IntelliVue time: AbsoluteTime (BCD wall clock, local time without zone, 1 s resolution) and
/// RelativeTime (u32 ticks of 125 µs since power-on, wrapping after ~6.2 days).
enum IntelliVueTime {
    static let nanosecondsPerTick: Int64 = 125_000

    /// Decodes 8 BCD bytes (century, year, month, day, hour, minute, second, fraction) as if the
    /// monitor's wall clock were UTC; `nil` when invalid (all 0xff) or not BCD.
    static func absolute(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        guard b.count >= 8 else { return nil }
        func bcd(_ x: UInt8) -> Int64? {
            let hi = x >> 4, lo = x & 0x0f
            guard hi < 10, lo < 10 else { return nil }
            return Int64(hi * 10 + lo)
        }
        guard let cc = bcd(b[0]), let yy = bcd(b[1]), let mo = bcd(b[2]), let dd = bcd(b[3]),
              let hh = bcd(b[4]), let mi = bcd(b[5]), let ss = bcd(b[6]),
              (1...12).contains(mo), (1...31).contains(dd), hh < 24, mi < 60, ss < 61,
              // A damaged or unset clock can say any century; only years a Timestamp (nanoseconds
              // in 64 bits) can hold are times, the rest are no time at all.
              (1678...2261).contains(cc * 100 + yy)
        else { return nil }
        let days = Timestamp.days(fromCivil: cc * 100 + yy, mo, dd)
        var t = Timestamp(secondsSinceEpoch: days * 86_400 + hh * 3600 + mi * 60 + ss)
        if let f = bcd(b[7]) { t = t.adding(nanoseconds: f * 10_000_000) }  // hundredths; the MP70 sends 0
        return t
    }

    /// Encodes a UTC timestamp as AbsoluteTime BCD (simulator).
    static func absoluteBytes(_ t: Timestamp) -> [UInt8] {
        let secs = t.secondsSinceEpoch
        let (days, sod) = secs.quotientAndRemainder(dividingBy: 86_400)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        func bcd(_ v: Int64) -> UInt8 { UInt8((v / 10) << 4 | (v % 10)) }
        return [bcd(y / 100), bcd(y % 100), bcd(m), bcd(d), bcd(sod / 3600), bcd(sod % 3600 / 60), bcd(sod % 60), 0]
    }
}

/// Maps RelativeTime ticks to device wall-clock time from an (AbsoluteTime, RelativeTime) pair the
/// monitor reported together (MDS create event, MDS single poll). The result is a wall-clock
/// reading; the decoder resolves it in the device's zone.
struct DeviceClockAnchor: Hashable, Sendable {
    var absolute: Timestamp
    var relative: UInt32

    /// Device time of `ticks`. The difference is taken modulo 2³² and read as signed, so the
    /// mapping survives the counter wrapping and values stamped slightly before the anchor.
    func time(ofRelative ticks: UInt32) -> Timestamp {
        let delta = Int64(Int32(bitPattern: ticks &- relative))
        return absolute.adding(nanoseconds: delta * IntelliVueTime.nanosecondsPerTick)
    }
}
