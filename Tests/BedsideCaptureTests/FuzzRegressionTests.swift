import BedsideCapture
import BedsideDriver
import BedsideModel
import Glibc
import Testing

/// Inputs the fuzzers found crashing a reader (kept in `Fuzz/Regressions/<target>/`, see
/// docs/fuzzing.md), replayed in the ordinary test run without sanitizers. Each runs in a child
/// process (an exit test), so an input that still crashes fails its own case instead of taking the
/// whole test run down.
@Suite("Fuzzer-found inputs no longer crash the readers")
struct FuzzRegressionTests {
    /// Kept inputs whose defect is still open, by file name, with where it crashes. Each is expected
    /// to crash (a known issue); once the defect is fixed the case reports that the known issue no
    /// longer occurs, and the entry must be removed from here.
    /// Inputs that still crash, by file name, with what is wrong: replayed as known issues, so
    /// the test fails once the defect is fixed and the entry must go. None open.
    static let openDefects: [String: String] = [:]

    static func inputs(_ target: String) -> [String] {
        let dir = SharedData.packageRoot + "/Fuzz/Regressions/" + target
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            var nameTuple = entry.pointee.d_name
            let name = withUnsafeBytes(of: &nameTuple) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(dir + "/" + name) }
        }
        return names.sorted()
    }

    @Test("IntelliVue serial log: sniffing and importing a kept input returns (a capture or an error)",
          arguments: inputs("intellivue-log"))
    func intelliVueLog(path: String) async throws {
        let bytes = try readFile(path)
        #expect(!bytes.isEmpty, "regression input \(path) is empty")
        let name = String(path[path.index(after: path.lastIndex(of: "/")!)...])
        let replay = {
            await #expect(processExitsWith: .success, "\(path)") { [bytes = bytes as [UInt8], path = path as String] in
                _ = IntelliVueSerialLog.looksLikeLog(Array(bytes.prefix(CaptureFormatSniffer.prefixLength)))
                _ = CaptureFormatSniffer.kind(ofPrefix: Array(bytes.prefix(CaptureFormatSniffer.prefixLength)))
                _ = try? IntelliVueSerialLog.importLog(bytes, source: path)
            }
        }
        if let defect = Self.openDefects[name] {
            await withKnownIssue(Comment(rawValue: defect)) { await replay() }
        } else {
            await replay()
        }
    }

    @Test("capture reader: reading a kept input returns (records or an error)", arguments: inputs("capture-reader"))
    func captureReader(path: String) async {
        await #expect(processExitsWith: .success, "\(path)") { [path = path as String] in
            _ = try? CaptureReader.readAll(path: path)
        }
    }

    @Test("a capture whose header start time is not representable is refused, not a crash")
    func unrepresentableStartTime() async {
        // Intact CRCs, start-time=1007-11-25T10:53:59.033841526Z: beyond Timestamp's ~1677–2262 span.
        let path = SharedData.packageRoot + "/Fuzz/Regressions/capture-reader/header-start-time-year-1007-overflows-timestamp"
        await #expect(processExitsWith: .success) { [path = path as String] in
            do throws(CaptureError) {
                _ = try CaptureReader.readAll(path: path)
                exit(1)  // it was read: the year must have been taken as something else
            } catch {
                guard case .corruptHeader = error else { exit(2) }
            }
        }
    }

    /// Found by the `intellivue` target as "output depends on chunking": the ledger put a link
    /// loss's stale marks at the end of the call's observations, so a value the same call delivered
    /// after the link came back was followed by a stale mark of itself.
    @Test("a link loss's stale marks follow the link event, before values that come after it")
    func linkLossMarksStayInPlace() {
        var ledger = ObservationLedger(descriptor: DriverDescriptor(name: "test", vendor: "test", summary: "",
                                                                    defaultSerialSettings: SerialSettings(baudRate: 9600)),
                                       configuration: DriverConfiguration())
        let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let t1 = t0.adding(nanoseconds: 1_000_000_000)
        let hr = MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "test:hr")
        func reading(_ v: Int64, _ t: Timestamp) -> Observation {
            .numeric(NumericReading(metric: hr, value: DecimalValue(mantissa: v), unit: "/min", state: .valid,
                                    deviceTime: nil, hostTime: t))
        }
        ledger.start(now: t0)
        var first = [reading(60, t0)]
        ledger.absorb(&first, now: t0)
        var batch: [Observation] = [.link(LinkEvent(kind: .disconnected, hostTime: t1)),
                                    .link(LinkEvent(kind: .connected, hostTime: t1)), reading(61, t1)]
        ledger.absorb(&batch, now: t1)
        let kinds = batch.map { o -> String in
            switch o {
            case .link(let l): "link \(l.kind)"
            case .numeric(let r): "\(r.value?.text ?? "-") \(r.state)"
            default: o.kind
            }
        }
        #expect(kinds == ["link disconnected", "60 stale", "link connected", "61 valid"])
    }
}
