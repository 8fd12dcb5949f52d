import BedsideDriver
import BedsideModel

/// A deliberately tiny line protocol, so these tests exercise the harness and the ledger rather
/// than a vendor's decoder: the host sends `GO`; the device then sends, every second,
/// `HR <n>*<cs>` and `AL <key>,<key>` (its complete alarm list) lines, where `<cs>` is the
/// two-digit upper-case hex sum of the bytes before `*`.
enum ToyLine {
    static func frame(_ body: String) -> [UInt8] {
        let sum = body.utf8.reduce(UInt8(0), &+)
        let hex = Array("0123456789ABCDEF".utf8)
        return Array(body.utf8) + [UInt8(ascii: "*"), hex[Int(sum >> 4)], hex[Int(sum & 15)], UInt8(ascii: "\n")]
    }

    static let heartRate = MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147_842, vendorCode: "toy:hr")
}

struct ToyDriver: DeviceDriver {
    static let descriptor = DriverDescriptor(
        name: "toy-line", vendor: "Toy Medical", summary: "test protocol",
        defaultSerialSettings: SerialSettings(baudRate: 9600), nominalUpdatePeriodNanoseconds: 1_000_000_000,
        deviceRanges: DeviceRanges(byMetric: ["MDC_ECG_HEART_RATE": .init(0, 300)]))

    /// Silence after which the driver reports the link silent and asks again.
    static let silenceNanoseconds: Int64 = 5_000_000_000

    private var line: [UInt8] = []
    /// The last valid frame, or the last request while none came since.
    private var lastValid: Timestamp?
    private var alarms = AlarmLifecycle()

    init(configuration: DriverConfiguration) {}

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        lastValid = now  // the silence time-out counts from the first request
        request(now: now, into: &output)
    }

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                handle(line, now: now, into: &output)
                line.removeAll()
            } else {
                line.append(b)
            }
        }
        output.wake(at: (lastValid ?? now).adding(nanoseconds: Self.silenceNanoseconds))
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        let due = (lastValid ?? now).adding(nanoseconds: Self.silenceNanoseconds)
        if due <= now {
            output.count(.silences)
            output.observations.append(.link(LinkEvent(kind: .silent, hostTime: now)))
            alarms.endAll(reason: "device silent", hostTime: now, into: &output.observations)
            lastValid = now
            request(now: now, into: &output)
        } else {
            output.wake(at: due)
        }
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        output.transmit += Array("BYE\n".utf8)
    }

    private mutating func request(now: Timestamp, into output: inout DriverOutput) {
        output.transmit += Array("GO\n".utf8)
        output.count(.requestsSent)
        output.wake(at: now.adding(nanoseconds: Self.silenceNanoseconds))
    }

    private mutating func handle(_ frame: [UInt8], now: Timestamp, into output: inout DriverOutput) {
        guard let star = frame.lastIndex(of: UInt8(ascii: "*")), frame.count == star + 3,
              ToyLine.frame(String(decoding: frame[..<star], as: UTF8.self)) == frame + [UInt8(ascii: "\n")]
        else {
            output.count(.checksumErrors)
            return
        }
        output.count(.framesAccepted)
        lastValid = now
        let body = String(decoding: frame[..<star], as: UTF8.self)
        if body.hasPrefix("HR "), let v = DecimalValue(String(body.dropFirst(3))) {
            output.count(.numerics)
            output.observations.append(.numeric(NumericReading(
                metric: ToyLine.heartRate, value: v, unit: "/min", unitCode: 264_864, state: .valid,
                deviceTime: nil, hostTime: now)))
        } else if body.hasPrefix("AL") {
            let keys = body.dropFirst(2).split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
            let present = keys.map {
                AlarmLifecycle.Present(key: $0, category: .physiological, priority: .high, text: $0,
                                       metric: ToyLine.heartRate)
            }
            alarms.update(present: present, deviceTime: nil, hostTime: now, into: &output.observations)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }))
    }
}

/// The device side. Options: `hr-until=<seconds>` stops sending HR after that many seconds,
/// `alarm-from=<s>` / `alarm-until=<s>` lists the alarm `HR-HI` between those times.
struct ToySimulator: DeviceSimulator {
    static let driverName = "toy-line"

    private var started: Timestamp?
    private var next: Timestamp?
    private var heartRateUntil: Double
    private var alarmFrom: Double
    private var alarmUntil: Double
    private var beat: Int64 = 70

    init(configuration: SimulatorConfiguration) {
        heartRateUntil = configuration.options["hr-until"].flatMap(Double.init) ?? .infinity
        alarmFrom = configuration.options["alarm-from"].flatMap(Double.init) ?? .infinity
        alarmUntil = configuration.options["alarm-until"].flatMap(Double.init) ?? .infinity
    }

    mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        output.nextDeadline = nil
    }

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if Array(bytes) == Array("GO\n".utf8), started == nil {
            started = now
            next = now.adding(nanoseconds: 100_000_000)
        }
        output.nextDeadline = next
    }

    mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        guard let started, let due = next, due <= now else {
            output.nextDeadline = next
            return
        }
        let t = Double(now.nanoseconds(since: started)) / 1e9
        if t < heartRateUntil {
            beat = beat == 70 ? 72 : 70
            output.transmit += ToyLine.frame("HR \(beat)")
        }
        output.transmit += ToyLine.frame(t >= alarmFrom && t < alarmUntil ? "AL HR-HI" : "AL")
        next = due.adding(nanoseconds: 1_000_000_000)
        output.nextDeadline = next
    }
}
