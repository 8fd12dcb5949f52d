import BedsideDriver
import BedsideModel
import BedsideScenario

/// A DINAMAP ProCare/V100 answering the host protocol's read requests (vital-signs-monitors.md
/// §2.13), playing the shared ``PatientScript``: the cuff's auto-cycle (inflating, then a new
/// determination, one cuff error), SpO2 with the desaturation and the probe coming off, the pulse
/// rate from the oximeter (or the last NIBP when SpO2 has no data), and predictive temperature
/// determinations.
///
/// - Lines are read to CR; LF and empty lines are ignored; any printable unit id is echoed.
/// - A request with a wrong checksum, an unknown command, or any command that is not a read
///   (`NC` start, `ND` cancel …) gets no reply (the real NAK format is not in our sources); each is
///   counted in ``ignoredRequests`` and, for `NC`/`ND`, in ``cuffCommandsReceived``, so tests can
///   prove the driver never sent one.
/// - Seconds-since fields count host seconds (the scenario runs `scenarioSpeed` times faster, so at
///   60× a determination every 5 min becomes one every 5 s and its age is still true for the host).
///
/// Options: `unplugged=on` never replies (a monitor switched off); `corrupt-every=N` flips a bit in
/// every Nth reply.
public struct GEDinamapSimulator: DeviceSimulator {
    public static let driverName = GEDinamapDriver.descriptor.name
    /// Predictive temperature determinations, scenario seconds.
    static let temperatureDeterminations: [Double] = [30, 1800]
    static let readCommands: Set<String> = ["NA", "NF", "OA", "RA", "RC", "TC"]

    private let script: PatientScript
    private let speed: Double
    private let unplugged: Bool
    private let corruptEvery: Int
    private var startTime: Timestamp?
    private var framer = DinamapLineFramer()
    private var repliesSent = 0
    public private(set) var ignoredRequests = 0
    public private(set) var cuffCommandsReceived = 0

    public init(configuration: SimulatorConfiguration) {
        script = PatientScript(seed: configuration.seed)
        speed = configuration.scenarioSpeed > 0 ? configuration.scenarioSpeed : 1
        unplugged = configuration.options["unplugged"].map { ["on", "true", "yes", "1"].contains($0) } ?? false
        corruptEvery = configuration.options["corrupt-every"].flatMap(Int.init) ?? 0
    }

    public mutating func start(now: Timestamp, into output: inout SimulatorOutput) {
        startTime = now
    }

    public mutating func tick(now: Timestamp, into output: inout SimulatorOutput) {}

    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp, into output: inout SimulatorOutput) {
        if startTime == nil { startTime = now }
        var index = 0
        while let outcome = framer.next(in: bytes, from: &index) {
            guard outcome == .line else { continue }
            if var reply = answer(framer.line, now: now), !unplugged {
                repliesSent += 1
                if corruptEvery > 0, repliesSent % corruptEvery == 0 {
                    let bit = repliesSent % (reply.count * 8)
                    reply[bit / 8] ^= UInt8(1 << (bit % 8))
                }
                output.transmit += reply + [DinamapWire.carriageReturn]
            }
        }
    }

    /// The reply line (without CR) to one request line, or `nil` for no reply.
    mutating func answer(_ line: [UInt8], now: Timestamp) -> [UInt8]? {
        guard line.count >= 5, line.allSatisfy({ (0x20...0x7E).contains($0) }) else { ignoredRequests += 1; return nil }
        let (k1, k2) = DinamapWire.checksum(line.dropLast(2))
        let command = String(decoding: line[1..<3], as: UTF8.self)
        if command == "NC" || command == "ND" { cuffCommandsReceived += 1 }
        guard line[line.count - 2] == k1, line[line.count - 1] == k2, line.count == 5,
              Self.readCommands.contains(command) else { ignoredRequests += 1; return nil }
        let t = scenarioTime(now)
        let fields: String
        switch command {
        case "NA", "NF": fields = nibpFields(t)
        case "OA": fields = oximetryFields(t)
        case "RA", "RC": fields = rateFields(t)
        default: fields = temperatureFields(t)
        }
        var body = [line[0]] + Array(command.utf8) + Array(fields.utf8)
        let (c1, c2) = DinamapWire.checksum(body)
        body += [c1, c2]
        return body
    }

    func scenarioTime(_ now: Timestamp) -> Double {
        guard let startTime else { return 0 }
        return Double(now.nanoseconds(since: startTime)) / 1e9 * speed
    }

    /// Host seconds since scenario time `past`.
    func hostSeconds(since past: Double, at t: Double) -> Int { Int(((t - past) / speed).rounded(.down)) }

    func nibpFields(_ t: Double) -> String {
        let cuff = script.cuffState(at: t)
        let status: String
        var since = "9999", values = "000000000"
        if let last = cuff.last {
            switch last.outcome {
            case .measured(let sys, let dia, let mean, _):
                let s = hostSeconds(since: last.completed, at: t)
                since = s > 5400 ? "9999" : pad(s, 4)
                values = pad(Int(sys), 3) + pad(Int(dia), 3) + pad(Int(mean), 3)
                status = cuff.measuring ? "0" : "1"
            case .cuffError:
                status = cuff.measuring ? "0" : "3"
            }
        } else {
            status = cuff.measuring ? "0" : "1"
        }
        // Adult patient, normal (not STAT) determinations.
        return status + "10" + since + values
    }

    func oximetryFields(_ t: Double) -> String {
        guard script.oximeterProbe(at: t) == .onPatient else { return "3000000" }
        let v = script.vitals(at: t)
        return "1" + pad(Int(v.spo2.rounded()), 3) + "9" + "15"
    }

    func rateFields(_ t: Double) -> String {
        if script.oximeterProbe(at: t) == .onPatient {
            return "2" + pad(Int(script.vitals(at: t).pulseRate.rounded()), 3)
        }
        if let last = script.cuffState(at: t).last, case .measured(_, _, _, let pulse) = last.outcome {
            return "3" + pad(Int(pulse), 3)
        }
        return "3000"
    }

    func temperatureFields(_ t: Double) -> String {
        guard let index = Self.temperatureDeterminations.lastIndex(where: { $0 <= t }) else { return "00 9999900000" }
        let at = Self.temperatureDeterminations[index]
        let fahrenheit = script.vitals(at: at).temperatureCelsius * 9 / 5 + 32
        let counter = Character(Unicode.Scalar(UInt8(0x21 + index)))
        let since = min(hostSeconds(since: at, at: t), 99_999)
        // Predictive mode, display in °C.
        return "00" + String(counter) + pad(since, 5) + pad(Int((fahrenheit * 10).rounded()), 4) + "1"
    }

    func pad(_ n: Int, _ width: Int) -> String {
        let s = String(max(0, n))
        return s.count >= width ? String(s.suffix(width)) : String(repeating: "0", count: width - s.count) + s
    }
}
