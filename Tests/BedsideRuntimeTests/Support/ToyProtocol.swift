import BedsideDriver
import BedsideModel

/// A line-based toy protocol for exercising the runtime without a vendor driver.
///
/// Host → device: `REQ` on start, `PING` when the driver's timer fires, `BYE` on stop.
/// Device → host: `ID <model>` (identity), `VAL <decimal>` (a heart rate), `ERR` (invalid value).
struct ToyDriver: DeviceDriver {
    static let descriptor = DriverDescriptor(
        name: "toy", vendor: "Toy Medical", summary: "line-based test protocol",
        defaultSerialSettings: SerialSettings(baudRate: 9600),
        // An hour: these tests are about the link, so a value may only go stale because the link
        // did, never because a loaded machine delayed the test past the value's update period.
        nominalUpdatePeriodNanoseconds: 3_600_000_000_000)

    static let pingAfterNanoseconds: Int64 = 50_000_000

    private let configuration: DriverConfiguration
    private var line: [UInt8] = []
    private var pingDeadline: Timestamp?

    init(configuration: DriverConfiguration) { self.configuration = configuration }

    mutating func start(now: Timestamp, into output: inout DriverOutput) {
        send("REQ", into: &output)
        output.observations.append(.link(LinkEvent(kind: .requesting, hostTime: now)))
        pingDeadline = now.adding(nanoseconds: Self.pingAfterNanoseconds)
        output.nextDeadline = pingDeadline
    }

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout DriverOutput) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                handle(String(decoding: line, as: UTF8.self), now: now, into: &output)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        output.nextDeadline = pingDeadline
    }

    mutating func tick(now: Timestamp, into output: inout DriverOutput) {
        if let deadline = pingDeadline, now >= deadline {
            send("PING", into: &output)
            output.count("link.pings")
            pingDeadline = nil  // one ping per session keeps the test's byte stream predictable
        }
        output.nextDeadline = pingDeadline
    }

    mutating func stop(now: Timestamp, into output: inout DriverOutput) {
        send("BYE", into: &output)
        output.observations.append(.link(LinkEvent(kind: .stopped, hostTime: now)))
        pingDeadline = nil
    }

    private func send(_ text: String, into output: inout DriverOutput) {
        guard configuration.transmitEnabled else { return }
        output.transmit.append(contentsOf: Array((text + "\n").utf8))
    }

    private func handle(_ text: String, now: Timestamp, into output: inout DriverOutput) {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        switch parts.first {
        case "ID" where parts.count == 2:
            output.identity = DeviceIdentityUpdate(model: parts[1])
        case "VAL" where parts.count == 2:
            output.observations.append(.numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147_842, vendorCode: "toy:hr"),
                value: DecimalValue(parts[1]), unit: "/min", state: .valid, deviceTime: nil, hostTime: now)))
        case "DTR":
            // The device wants DTR raised before it hears the acknowledgement.
            output.lineControl.append(.setDTR(true))
            send("OK", into: &output)
        case "ERR":
            output.observations.append(.numeric(NumericReading(
                metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147_842, vendorCode: "toy:hr"),
                value: nil, unit: "/min", state: .invalid, reason: "toy: ERR", deviceTime: nil, hostTime: now)))
        default:
            output.count("lines.unknown")
        }
    }
}

/// The device side of the toy protocol: answers `REQ` with its identity and one value, and `PING`
/// with another value, then sends a value every `period` on its own.
struct ToySimulator: DeviceSimulator {
    static let driverName = "toy"
    private var line: [UInt8] = []
    private var next: Timestamp?
    private var counter = 60
    private let period: Int64 = 20_000_000

    init(configuration: SimulatorConfiguration) {}

    mutating func start(now: Timestamp, into output: inout SimulatorOutput) {}

    mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else { line.append(byte); continue }
            let command = String(decoding: line, as: UTF8.self)
            line.removeAll()
            switch command {
            case "REQ":
                output.transmit += Array("ID TOY-1\nVAL \(counter)\n".utf8)
                next = now.adding(nanoseconds: period)
            case "PING":
                output.transmit += Array("VAL 99.5\n".utf8)
            case "BYE":
                next = nil
            default: break
            }
        }
        output.nextDeadline = next
    }

    mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {
        if let n = next, now >= n {
            counter += 1
            output.transmit += Array("VAL \(counter)\n".utf8)
            next = n.adding(nanoseconds: period)
        }
        output.nextDeadline = next
    }
}
