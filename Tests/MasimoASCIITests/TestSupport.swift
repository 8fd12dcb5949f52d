import BedsideDriver
import BedsideModel
@testable import MasimoASCII

/// Real and manual lines quoted in monitors.md §D.14–16 (with their sources), as test vectors.
enum NotesLines {
    /// §D.14, `yahnatan/pulseox:README.md`: a Rad-8 line.
    static let rad8 = "02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800"
    /// §D.15, `nmenon/masimo-datacapture`: a Rad-8 with no sensor (no PI, no SPCO: another firmware's field set).
    static let rad8NoSensor = "03/19/16 13:37:12 SN=0000093112 SPO2=---% BPM=---% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000001"
    /// §D.15: a colour Radical-7.
    static let colourRad7 = "03/17/16 19:19:36 SN=---------- SPO2=098% BPM=123 PI=00.55 SPCO=--% SPMET=--.-% SPHB=--.- SPOC=-- RESVD=--- DESAT=-- PIDELTA=+-- PVI=--- ALARM=000000 EXC=0000C00 EXC1=00000000"
    /// §D.15: a Radical-7 (service manual), no values.
    static let radical7 = "05/15/07 08:12:21 SN=0000070986 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000000"
    /// §D.16, `mdpnp/mdpnp:other/pox_rad/src/poxrad_discrete.h`: the manual's Radical-7 example.
    static let manual = "12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820"
    /// §D.16: the manual's Radical-5 example (no SN, two-digit ALARM, three-digit EXC).
    static let radical5 = "09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800"

    static let all = [rad8, rad8NoSensor, colourRad7, radical7, manual, radical5]
}

let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

/// Decodes `lines` (each sent with CR LF, one second apart) with a fresh driver.
func decode(_ lines: [String], zone: any DeviceTimeZone = FixedOffsetTimeZone.utc) -> (output: DriverOutput, identity: DeviceIdentityUpdate?) {
    var driver = MasimoASCIIDriver(configuration: DriverConfiguration(deviceTimeZone: zone))
    var all = DriverOutput()
    var identity: DeviceIdentityUpdate?
    var out = DriverOutput()
    driver.start(now: t0, into: &out)
    for (i, line) in lines.enumerated() {
        out.reset()
        driver.receive(Array(line.utf8) + [0x0D, 0x0A], now: t0.adding(nanoseconds: Int64(i) * 1_000_000_000), into: &out)
        all.transmit += out.transmit
        all.observations += out.observations
        for (k, v) in out.counters { all.counters[k, default: 0] += v }
        if let id = out.identity { identity = id }
    }
    return (all, identity)
}

func decodeBytes(_ bytes: [UInt8]) -> DriverOutput {
    var driver = MasimoASCIIDriver(configuration: DriverConfiguration())
    var out = DriverOutput()
    driver.start(now: t0, into: &out)
    out.reset()
    driver.receive(bytes, now: t0, into: &out)
    return out
}

extension DriverOutput {
    var numerics: [NumericReading] { observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var alarms: [AlarmEvent] { observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } } }
    func reading(_ vendorCode: String) -> NumericReading? { numerics.first { $0.metric.vendorCode == vendorCode } }
}

func dec(_ text: String) -> DecimalValue { DecimalValue(text: text)! }
