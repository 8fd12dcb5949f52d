import BedsideModel
import Foundation
import Testing
@testable import BedsideRuntime

/// No input crashes the program: every number is checked the same way, resource limits and bad
/// driver options are errors that say what to do.
@Suite("bedside command line: hostile input", .serialized)
struct CommandLineHardeningTests {
    /// Each of these crashed (exit 132, "Double value cannot be converted", or a silent 1 s) or
    /// was taken without a reason before the shared checks.
    static let refused: [[String]] = [
        ["run", "--port", "/dev/null", "--driver", "ge-datex", "--seconds", "nan"],
        ["run", "--port", "/dev/null", "--driver", "ge-datex", "--seconds", "inf"],
        ["capture", "--port", "/dev/null", "--driver", "ge-datex", "-o", "/tmp/x.bbcap", "--seconds", "1e300"],
        ["demo", "--seconds", "nan"],
        ["demo", "--seconds=-1"],
        ["demo", "--speed", "1e300"],
        ["play", "/dev/null", "--speed", "nan"],
        ["export-umockdev", "/dev/null", "-o", "/tmp/x.script", "--speed", "inf"],
        ["run", "--port", "/dev/null", "--driver", "ge-datex", "--interval", "0"],
        ["run", "--port", "/dev/null", "--driver", "ge-datex", "--interval", "0.001"],
        ["run", "--port", "/dev/null", "--driver", "ge-datex", "--clock-offset", "99999999999"],
        ["simulate", "ge-datex", "--count", "0"],
        ["simulate", "ge-datex", "--speed", "inf"],
        ["bench", "--repeat", "0"],
        ["bench", "--latency-driver", "acme-vitals"],
    ]

    @Test("non-finite and out-of-range numbers are usage errors (64) that give the allowed range",
          .enabled(if: BedsideTool.available, "build the bedside product first"), arguments: refused)
    func numbersAreChecked(_ arguments: [String]) throws {
        let result = try BedsideTool.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("is not valid: it must be"), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("simulate --count beyond the open-file limit is refused before anything starts, with the figures",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func descriptorBudget() throws {
        let bedside = try #require(BedsideTool.executable).path
        // A hard limit of 1024 (a common default) cannot be raised by the program itself.
        let result = try BedsideTool.run(["-c", "ulimit -n 1024 && exec \"$0\" simulate ge-datex --count 400", bedside],
                                         executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("open files") && result.stderr.contains("1024"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "no tty may be announced when the devices cannot all be hosted")
    }

    @Test("an undeclared or malformed --option is a usage error naming what the driver accepts",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func driverOptionsAreChecked() throws {
        let unknown = try BedsideTool.run(["run", "--port", "/nonexistent", "--driver", "ge-datex", "--no-reconnect",
                                           "--option", "baudrate=9600"])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("ge-datex") && unknown.stderr.contains("baudrate"), "\(unknown.stderr)")
        let malformed = try BedsideTool.run(["run", "--port", "/nonexistent", "--driver", "ge-datex", "--no-reconnect",
                                             "--option", "novalue"])
        #expect(malformed.status == 64, "\(malformed.stderr)")
        #expect(malformed.stderr.contains("key=value"), "\(malformed.stderr)")
    }

    @Test("--time-zone takes IANA names only, and not together with --clock-offset",
          .enabled(if: BedsideTool.available, "build the bedside product first"))
    func timeZoneFlag() throws {
        let unknown = try BedsideTool.run(["run", "--port", "/nonexistent", "--driver", "ge-datex", "--time-zone", "Mars/Olympus"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Mars/Olympus") && unknown.stderr.contains("IANA"), "\(unknown.stderr)")
        let both = try BedsideTool.run(["run", "--port", "/nonexistent", "--driver", "ge-datex", "--time-zone", "UTC",
                                        "--clock-offset", "3600"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("not both"), "\(both.stderr)")
    }

    @Test("the shared checks: finite, in range, whole seconds for --interval")
    func optionChecks() throws {
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.runSeconds(.nan) }
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.runSeconds(-1) }
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.runSeconds(1e300) }
        try OptionCheck.runSeconds(2.5)
        try OptionCheck.runSeconds(nil)
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.speed(0) }
        #expect(try OptionCheck.interval(5) == 5)
        #expect(try OptionCheck.interval(nil) == nil)
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.interval(1.5) }
        #expect(throws: OptionCheck.Failure.self) { try OptionCheck.interval(0) }
    }

    @Test("a device in Europe/Berlin keeps CET before and CEST after 2026-03-29 01:00 UTC (EU rule: last Sunday of March)")
    func ianaZone() throws {
        let berlin = try SystemTimeZone(identifier: "Europe/Berlin")
        // 2026-03-29T00:30:00Z and 01:30:00Z, either side of the change at 01:00 UTC.
        #expect(berlin.utcOffset(at: Timestamp(secondsSinceEpoch: 1_774_744_200)) == 3600)
        #expect(berlin.utcOffset(at: Timestamp(secondsSinceEpoch: 1_774_747_800)) == 7200)
        #expect(throws: DeviceTimeZoneError.self) { try SystemTimeZone(identifier: "Mars/Olympus") }
        #expect(try deviceTimeZone(named: nil, clockOffsetSeconds: -3600)?.utcOffset(at: Timestamp(secondsSinceEpoch: 0)) == 3600)
        #expect(try deviceTimeZone(named: nil, clockOffsetSeconds: nil) == nil, "neither flag: the command's default applies")
    }
}
