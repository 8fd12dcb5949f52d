import BedsideDriver
import BedsideModel
import BedsideRuntime

extension Fuzz {
    /// The registry's supervised driver with driver options (a protocol variant such as Nonin's
    /// data format), listening only.
    public static func makeDriver(named name: String, options: [String: String]) -> any DeviceDriver {
        do {
            return try DriverCatalog.registry.makeDriver(
                named: name, configuration: DriverConfiguration(transmitEnabled: false, options: options))
        } catch {
            violation("registry refused '\(name)' with \(options): \(error)")
        }
    }

    /// ``drive(_:_:split:)`` for a driver run with `options`.
    public static func drive(_ name: String, options: [String: String], _ input: UnsafeRawBufferPointer, split: Bool) -> Run {
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

    /// ``checkDriver(_:_:)`` for a driver run with `options`.
    @discardableResult
    public static func checkDriver(_ name: String, options: [String: String], _ input: UnsafeRawBufferPointer) -> Run {
        let whole = drive(name, options: options, input, split: false)
        let split = drive(name, options: options, input, split: true)
        if whole != split {
            violation("\(name) \(options): output depends on how the bytes are chunked\n\(firstDifference(whole, split))")
        }
        checkRanges(whole, driver: name)
        return whole
    }
}
