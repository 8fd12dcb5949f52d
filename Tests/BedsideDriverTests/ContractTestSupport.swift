import BedsideDriver
import BedsideModel

/// A zone with one daylight-saving rule, written out by hand so the resolution logic is tested
/// against transitions we state here, independent of any zone database: standard offset +01:00,
/// summer +02:00 from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC (the EU rule for that year).
struct HandWrittenEUZone: DeviceTimeZone {
    let identifier = "test/EU-2026"
    static let springForward = Timestamp(rfc3339: "2026-03-29T01:00:00Z")!
    static let fallBack = Timestamp(rfc3339: "2026-10-25T01:00:00Z")!

    func utcOffset(at instant: Timestamp) -> Int32 {
        instant >= Self.springForward && instant < Self.fallBack ? 7200 : 3600
    }
}

/// A minimal protocol for contract tests: every received byte `v` is a heart-rate reading of `v`,
/// except 0xFF which makes the device list one alarm and 0xFE which clears it. It asks for no timer.
struct ByteMonitorDriver: DeviceDriver {
    static let hr = MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "test:hr")
    static var descriptor: DriverDescriptor {
        DriverDescriptor(
            name: "byte-monitor", vendor: "Test", summary: "one byte, one heart rate",
            defaultSerialSettings: SerialSettings(baudRate: 9600),
            options: [DriverOptionSpec(name: "verbose", kind: .flag, help: "log more"),
                      DriverOptionSpec(name: "interval", kind: .integer(1...60), help: "seconds", defaultValue: "5"),
                      DriverOptionSpec(name: "classes", kind: .list(["basic", "ext1"]), help: "what to request")],
            nominalUpdatePeriodNanoseconds: 1_000_000_000,
            deviceRanges: DeviceRanges(byMetric: ["MDC_ECG_HEART_RATE": .init(0, 250)]))
    }

    var alarms = AlarmLifecycle()
    var alarmListed = false

    init(configuration: DriverConfiguration) {}

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        output.observations.append(.link(LinkEvent(kind: .connected, hostTime: now)))
    }

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for b in bytes {
            switch b {
            case 0xFF: alarmListed = true
            case 0xFE: alarmListed = false
            default:
                output.observations.append(.numeric(NumericReading(
                    metric: Self.hr, value: DecimalValue(integerLiteral: Int64(b)), unit: "/min", unitCode: 264864,
                    state: .valid, deviceTime: DeviceTime.utc(now.adding(nanoseconds: 2_000_000_000)), hostTime: now)))
            }
            let present = alarmListed
                ? [AlarmLifecycle.Present(key: "hr-high", category: .physiological, priority: .high, text: "HR HIGH")] : []
            alarms.update(present: present, deviceTime: nil, hostTime: now, into: &output.observations)
        }
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {}
    mutating func stop(now: Timestamp, into output: inout DriverOutput) {}
}

/// Drives a ``SupervisedDriver`` on a virtual clock: bytes at given seconds, ticks whenever the
/// driver asks, and collects what comes out.
struct SupervisedRun {
    var driver: SupervisedDriver<ByteMonitorDriver>
    var output = DriverOutput()
    var observations: [Observation] = []
    var now: Timestamp
    var deadline: Timestamp?

    init(start: Timestamp, snapshotSeconds: Int64? = nil) {
        driver = SupervisedDriver(configuration: DriverConfiguration(
            snapshotIntervalNanoseconds: snapshotSeconds.map { $0 * 1_000_000_000 }))
        now = start
        driver.start(now: start, into: &output)
        drain()
    }

    mutating func advance(to t: Timestamp) {
        while let d = deadline, d <= t {
            now = max(now, d)
            driver.tick(now: now, into: &output)
            drain()
        }
        now = t
    }

    mutating func send(_ bytes: [UInt8], at seconds: Double, from start: Timestamp) {
        let t = start.adding(seconds: seconds)
        advance(to: t)
        driver.receive(bytes, now: t, into: &output)
        drain()
    }

    mutating func announce(_ kind: LinkEvent.Kind, at seconds: Double, from start: Timestamp) {
        let t = start.adding(seconds: seconds)
        advance(to: t)
        driver.announce(LinkEvent(kind: kind, hostTime: t), into: &output)
        drain()
    }

    private mutating func drain() {
        observations += output.observations
        deadline = output.nextDeadline
        output.reset()
    }

    var numerics: [NumericReading] { observations.compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var alarmEvents: [AlarmEvent] { observations.compactMap { if case .alarm(let a) = $0 { a } else { nil } } }
    var snapshots: [DeviceSnapshot] { observations.compactMap { if case .snapshot(let s) = $0 { s } else { nil } } }
    var links: [LinkEvent] { observations.compactMap { if case .link(let l) = $0 { l } else { nil } } }
}
