import BedsideDriver
import BedsideModel
@testable import GEDinamap

/// Bytes written in the notes as hex (`20 4e 41 …`).
func hex(_ text: String) -> [UInt8] { text.split(separator: " ").map { UInt8($0, radix: 16)! } }

let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

/// Feeds reply lines (complete, with their CR) to a listening driver, one second apart.
func listen(_ replies: [[UInt8]], zone: any DeviceTimeZone = FixedOffsetTimeZone.utc) -> DriverOutput {
    var driver = GEDinamapDriver(configuration: DriverConfiguration(transmitEnabled: false, deviceTimeZone: zone))
    var all = DriverOutput()
    var out = DriverOutput()
    driver.start(now: t0, into: &out)
    all.transmit += out.transmit
    for (i, r) in replies.enumerated() {
        out.reset()
        driver.receive(r, now: t0.adding(nanoseconds: Int64(i) * 1_000_000_000), into: &out)
        all.transmit += out.transmit
        all.observations += out.observations
        for (k, v) in out.counters { all.counters[k, default: 0] += v }
    }
    return all
}

extension DriverOutput {
    var numerics: [NumericReading] { observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var alarms: [AlarmEvent] { observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } } }
    func readings(_ vendorCode: String) -> [NumericReading] { numerics.filter { $0.metric.vendorCode == vendorCode } }
}

/// The worked examples of vital-signs-monitors.md §2.11, as the notes print their bytes.
enum NotesReplies {
    /// The real V100 reply (`yuekang2516/2018_tpech`), which verifies exactly.
    static let realNF = hex("20 4e 46 31 31 30 31 37 36 32 31 32 37 30 37 33 30 37 38 26 3c 0d")
    static let naOK = hex("20 4e 41 31 31 30 30 33 31 32 31 32 34 30 37 38 30 39 33 26 2c 0d")
    static let naBusy = hex("20 4e 41 30 31 30 30 33 31 32 31 32 34 30 37 38 30 39 33 26 2b 0d")
    static let naFailed = hex("20 4e 41 33 31 30 39 39 39 39 30 30 30 30 30 30 30 30 30 26 2a 0d")
    static let oaOK = hex("20 4f 41 31 30 39 37 39 31 35 23 4a 0d")
    static let oaNoData = hex("20 4f 41 33 30 30 30 30 30 30 23 2d 0d")
    static let raOximeter = hex("20 52 41 32 30 37 32 22 45 0d")
    static let raNIBP = hex("20 52 41 33 30 36 38 22 4b 0d")
    static let tcOK = hex("20 54 43 30 30 21 30 30 31 32 30 30 39 38 36 31 25 23 0d")
    static let tcNone = hex("20 54 43 30 30 20 39 39 39 39 39 30 30 30 30 30 25 34 0d")

    static let all = [realNF, naOK, naBusy, naFailed, oaOK, oaNoData, raOximeter, raNIBP, tcOK, tcNone]
}
