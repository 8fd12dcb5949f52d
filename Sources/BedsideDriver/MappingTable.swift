/// A vendor mapping table: tab-separated text with a header row, as stored under
/// `Protocols/<vendor>/*.tsv` and embedded into the driver at build time.
///
/// Lines starting with `#` and blank lines are comments. Every row must have as many cells as the
/// header; a malformed table is a build-time bug, so tests load every table.
public struct MappingTable: Sendable {
    public let columns: [String]
    public let rows: [Row]

    public struct Row: Sendable {
        public let cells: [String: String]
        /// 1-based line number in the source file, for error messages.
        public let line: Int

        public subscript(_ column: String) -> String? {
            guard let v = cells[column], !v.isEmpty else { return nil }
            return v
        }
    }

    public enum ParseError: Error, CustomStringConvertible {
        case missingHeader(table: String)
        case wrongCellCount(table: String, line: Int, expected: Int, found: Int)
        case missingColumn(table: String, column: String)

        public var description: String {
            switch self {
            case .missingHeader(let t): "mapping table \(t) has no header row; add a tab-separated header line"
            case .wrongCellCount(let t, let l, let e, let f):
                "mapping table \(t) line \(l) has \(f) cells, the header has \(e); fix the row's tabs"
            case .missingColumn(let t, let c): "mapping table \(t) lacks the required column '\(c)'"
            }
        }
    }

    /// Parses `text`; `name` is used in error messages. `required` columns must be present.
    public init(name: String, text: String, required: [String] = []) throws {
        var header: [String]?
        var rows: [Row] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.trimmingSpaces.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
            guard let h = header else { header = cells; continue }
            guard cells.count == h.count else {
                throw ParseError.wrongCellCount(table: name, line: index + 1, expected: h.count, found: cells.count)
            }
            rows.append(Row(cells: Dictionary(zip(h, cells), uniquingKeysWith: { first, _ in first }), line: index + 1))
        }
        guard let header else { throw ParseError.missingHeader(table: name) }
        for c in required where !header.contains(c) { throw ParseError.missingColumn(table: name, column: c) }
        self.columns = header
        self.rows = rows
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return s
    }
}
