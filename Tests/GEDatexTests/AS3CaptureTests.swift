import BedsideDriver
import BedsideModel
import Foundation
import Testing
@testable import GEDatex

/// The AS/3 capture against the CSV VSCapture produced from it.
@Suite("GE AS/3 capture vs VSCapture CSV", .enabled(if: SharedData.available, SharedData.skipMessage))
struct AS3CaptureTests {
    struct Row {
        var time: Timestamp
        var cells: [String]
    }

    /// Splits on the `MM/DD/YYYY hh:mm:ss` time stamps (rows run together and the header repeats).
    static func rows() throws -> [Row] {
        let text = Array(try SharedData.text("as3-level9-jiaxiusai.decoded-by-vscapture.csv").utf8)
        func isDigit(_ i: Int) -> Bool { i < text.count && text[i] >= 48 && text[i] <= 57 }
        func isStamp(_ i: Int) -> Bool {
            let digits = [0, 1, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 17, 18]
            guard i + 19 <= text.count else { return false }
            return digits.allSatisfy { isDigit(i + $0) } && text[i + 2] == UInt8(ascii: "/") && text[i + 5] == UInt8(ascii: "/")
                && text[i + 10] == UInt8(ascii: " ") && text[i + 13] == UInt8(ascii: ":") && text[i + 16] == UInt8(ascii: ":")
        }
        var starts: [Int] = []
        var i = 0
        while i < text.count {
            if isStamp(i) { starts.append(i); i += 19 } else { i += 1 }
        }
        var rows: [Row] = []
        for (k, s) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : text.count
            var line = String(decoding: text[s..<end], as: UTF8.self)
            if let cut = line.firstIndex(where: { $0 == "\n" || $0 == "\r" }) { line = String(line[..<cut]) }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let stamp = cells[0]
            func n(_ a: Int, _ b: Int) -> String { String(Array(stamp)[a..<b]) }
            let iso = "\(n(6, 10))-\(n(0, 2))-\(n(3, 5))T\(n(11, 19))Z"
            rows.append(Row(time: try #require(Timestamp(rfc3339: iso)), cells: Array(cells.prefix(43))))
        }
        return rows
    }

    @Test("123 valid frames; the fragment and the truncated frame are counted and give no readings", arguments: [[1], [5, 333], [1 << 20]])
    func frames(chunks: [Int]) throws {
        let r = Replay.run(try SharedData.bytes("as3-level9-jiaxiusai.raw"), chunkSizes: chunks)
        #expect(r.counters["frames.ok"] == 123)
        let bad = (r.counters["frames.length-error"] ?? 0) + (r.counters["frames.checksum-error"] ?? 0)
        #expect(bad == 2)
        #expect((r.counters["bytes.discarded"] ?? 0) > 0)
        // Exactly one ECG group per valid record: nothing was decoded from the bad frames.
        #expect(r.all("ge:basic.ecg.hr").count == 123)
        // Classes 0, 1, 3 only: no ext2 fields, and ext3 is decoded as ext3.
        #expect(r.numerics.contains { $0.metric.vendorCode.hasPrefix("ge:ext2.") } == false)
        #expect(r.numerics.contains { $0.metric.vendorCode.hasPrefix("ge:ext3.") })
    }

    @Test("HR, FiO2 and N2O match the CSV record by record")
    func matchesCSV() throws {
        let rows = try Self.rows()
        #expect(rows.count == 123)
        let r = Replay.run(try SharedData.bytes("as3-level9-jiaxiusai.raw"), chunkSizes: [97])
        let hr = r.all("ge:basic.ecg.hr")
        let fio2 = r.all("ge:basic.o2.fi")
        let n2oFi = r.all("ge:basic.n2o.fi")
        let n2oEt = r.all("ge:basic.n2o.et")
        try #require(hr.count == rows.count && fio2.count == rows.count && n2oFi.count == rows.count)
        func same(_ reading: NumericReading, _ cell: String) -> Bool {
            if cell == "-" { return reading.value == nil }
            guard let expected = DecimalValue(cell), let v = reading.value else { return false }
            return expected.normalized == v.normalized
        }
        for (k, row) in rows.enumerated() {
            #expect(hr[k].deviceTime?.instant == row.time, "record \(k)")
            #expect(same(hr[k], row.cells[1]), "HR record \(k): \(String(describing: hr[k].value)) vs \(row.cells[1])")
            #expect(same(fio2[k], row.cells[11]), "FiO2 record \(k): \(String(describing: fio2[k].value)) vs \(row.cells[11])")
            #expect(same(n2oFi[k], row.cells[12]), "N2O FI record \(k)")
            #expect(same(n2oEt[k], row.cells[13]), "N2O ET record \(k)")
        }
        #expect(fio2.first?.value?.text == "24.43")
        #expect(n2oFi.first?.value?.text == "0.04")
    }

    @Test("IBP channels with no transducer: control code -32766 under an inactive status is absent, never a number")
    func inactivePressure() throws {
        let r = Replay.run(try SharedData.bytes("as3-level9-jiaxiusai.raw"))
        let p1 = try #require(r.first("ge:basic.p1.sys"))
        #expect(p1.value == nil)
        #expect(p1.state == .absent)
        #expect(p1.reason?.contains("not active") == true)
        // T2 is active but its probe is off: -32764 is under range, with no number.
        let t2 = try #require(r.first("ge:basic.t2.temp"))
        #expect(t2.value == nil)
        #expect(t2.state == .underRange)
        #expect(t2.reason == "GE control code -32764: under range")
        #expect(t2.site == "T2")
        #expect(t2.instance == 2)
        // T3 has no module (status 0).
        let t3 = try #require(r.first("ge:basic.t3.temp"))
        #expect(t3.value == nil)
        #expect(t3.state == .absent)
        #expect(t3.reason?.contains("module not present") == true)
    }
}
