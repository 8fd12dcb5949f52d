import BedsideDriver
import BedsideModel
import BedsideRuntime

#if canImport(Glibc)
import Glibc
#endif

/// What the fuzz targets share: feeding bytes to a registry driver on a fixed schedule, and the
/// properties every target checks. A property violation traps (``violation(_:)``), which libFuzzer
/// reports as a crash and saves the input that caused it.
public enum Fuzz {
    /// Host clock of the first call; any fixed instant works, the drivers never read a clock.
    public static let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

    /// Bytes handed to the driver per receive call. Real serial reads arrive in pieces of this
    /// order; the per-call time advances by ``slotNanoseconds`` so staleness and timers run too.
    public static let slotSize = 256
    public static let slotNanoseconds: Int64 = 1_000_000_000

    /// Reports a broken property and stops the process so libFuzzer keeps the input.
    public static func violation(_ message: @autoclosure () -> String) -> Never {
        fatalError("fuzz property violated: \(message())")
    }

    /// A split point in `0...bytes.count` derived from the bytes themselves (FNV-1a), so the same
    /// input always splits the same way and a crasher replays exactly, without spending input bytes.
    public static func splitPoint(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(h % UInt64(bytes.count + 1))
    }

    /// Everything a driver said during one run, calls concatenated (counters summed).
    public struct Run: Equatable {
        public var observations: [Observation] = []
        public var transmit: [UInt8] = []
        /// Identity updates applied as the pipeline applies them: a call carries only its last
        /// update, so the list of updates legitimately depends on chunking, the result must not.
        public var identity = DeviceIdentity(driver: "fuzz", vendor: "fuzz")
        public var counters: [DriverCounter: Int] = [:]

        public init() {}

        public mutating func drain(_ out: inout DriverOutput) {
            observations.append(contentsOf: out.observations)
            transmit.append(contentsOf: out.transmit)
            if let id = out.identity { identity.apply(id) }
            for (k, v) in out.counters { counters[k, default: 0] += v }
            out.reset()
        }

        /// Every numeric in the run, including those restated inside snapshots.
        public var numerics: [NumericReading] {
            observations.flatMap { o -> [NumericReading] in
                switch o {
                case .numeric(let r): [r]
                case .snapshot(let s): s.numerics
                default: []
                }
            }
        }
    }

    /// The registry's supervised driver (ledger included), listening only, with driver `options`
    /// (a protocol variant such as Nonin's data format).
    public static func makeDriver(named name: String, options: [String: String] = [:]) -> any DeviceDriver {
        do {
            return try DriverCatalog.registry.makeDriver(
                named: name, configuration: DriverConfiguration(transmitEnabled: false, options: options))
        } catch {
            violation("registry refused '\(name)' with \(options): \(error)")
        }
    }

    /// Feeds `input` to a fresh driver in ``slotSize`` pieces, one second apart, ticking whenever
    /// the driver's deadline has come, then a final tick a minute later (stale marks) and `stop`.
    /// With `split`, each piece is delivered in two receive calls at the same time, cut at a point
    /// derived from the piece's bytes: any correct driver produces the same run either way.
    public static func drive(_ name: String, options: [String: String] = [:], _ input: UnsafeRawBufferPointer,
                             split: Bool) -> Run {
        var driver = makeDriver(named: name, options: options)
        var run = Run()
        var out = DriverOutput()
        var now = t0
        driver.start(now: now, into: &out)
        var deadline = out.nextDeadline
        run.drain(&out)
        var offset = 0
        while offset < input.count {
            now = now.adding(nanoseconds: slotNanoseconds)
            if let d = deadline, d <= now {
                driver.tick(now: now, into: &out)
                deadline = out.nextDeadline
                run.drain(&out)
            }
            let piece = UnsafeRawBufferPointer(rebasing: input[offset..<min(offset + slotSize, input.count)])
            offset += piece.count
            if split {
                let cut = splitPoint(piece)
                driver.receive(UnsafeRawBufferPointer(rebasing: piece[0..<cut]), now: now, into: &out)
                run.drain(&out)
                driver.receive(UnsafeRawBufferPointer(rebasing: piece[cut...]), now: now, into: &out)
            } else {
                driver.receive(piece, now: now, into: &out)
            }
            deadline = out.nextDeadline
            run.drain(&out)
        }
        now = now.adding(nanoseconds: 60 * slotNanoseconds)
        if let d = deadline, d <= now {
            driver.tick(now: now, into: &out)
            run.drain(&out)
        }
        driver.stop(now: now, into: &out)
        run.drain(&out)
        return run
    }

    /// No numeric is `valid` (or `questionable`) with a value outside the device's declared range.
    /// The ledger is meant to guarantee this; the target checks the guarantee end to end.
    public static func checkRanges(_ run: Run, driver name: String) {
        guard let type = try? DriverCatalog.registry.driverType(named: name) else { violation("no driver \(name)") }
        let ranges = type.descriptor.deviceRanges
        for r in run.numerics where r.state == .valid || r.state == .questionable {
            guard let v = r.value, let range = ranges.range(for: r.metric) else { continue }
            if !range.contains(v) {
                violation("\(name): \(r.state) \(r.metric.vendorCode) = \(v.text) outside \(range.lower.text)…\(range.upper.text)")
            }
        }
    }

    /// Runs `input` whole-piece and split, checks both runs are equal and within device ranges.
    /// Returns the unsplit run for target-specific checks.
    @discardableResult
    public static func checkDriver(_ name: String, options: [String: String] = [:], _ input: UnsafeRawBufferPointer) -> Run {
        let whole = drive(name, options: options, input, split: false)
        let split = drive(name, options: options, input, split: true)
        if whole != split {
            violation("\(name)\(options.isEmpty ? "" : " \(options)"): output depends on how the bytes are chunked\n\(firstDifference(whole, split))")
        }
        checkRanges(whole, driver: name)
        return whole
    }

    /// A readable description of where two runs part, for the crash report.
    static func firstDifference(_ a: Run, _ b: Run) -> String {
        if a.counters != b.counters { return "counters: \(a.counters) vs \(b.counters)" }
        if a.transmit != b.transmit { return "transmit differs (\(a.transmit.count) vs \(b.transmit.count) bytes)" }
        if a.identity != b.identity { return "identity: \(a.identity) vs \(b.identity)" }
        for (i, (x, y)) in zip(a.observations, b.observations).enumerated() where x != y {
            return "observation \(i):\n  one piece: \(x)\n  split:     \(y)"
        }
        return "observation count \(a.observations.count) vs \(b.observations.count)"
    }
}

extension Optional<UnsafePointer<UInt8>> {
    /// The fuzzer's input as a raw buffer (libFuzzer may pass a dangling pointer for size 0).
    public func fuzzInput(count: Int) -> UnsafeRawBufferPointer {
        guard let base = self, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base, count: count)
    }
}

/// libFuzzer's per-input entry point, as a C function pointer.
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
public typealias CArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

// libFuzzer's documented way to run it from one's own `main` (FuzzerInterface.h). SwiftPM links an
// executable's entry point as `<module>_main` (it renames `main` so executables can be tested), which
// leaves no room for libFuzzer's own `main`; each target therefore defines `<module>_main` and calls this.
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<CArguments>,
                                 _ callback: FuzzTestOneInput) -> CInt

extension Fuzz {
    /// Runs libFuzzer with the command line and the target's per-input function.
    public static func main(_ argc: CInt, _ argv: CArguments, _ testOneInput: FuzzTestOneInput) -> CInt {
        var argc = argc
        var argv = argv
        return llvmFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}
