import BedsideDriver
import BedsideModel

/// The embedded `Protocols/ge-dinamap` tables, parsed once.
public struct GEDinamapTables: Sendable {
    /// What a status character means for its reply's values.
    public enum StatusKind: String, Sendable {
        /// Values usable.
        case ok
        /// A determination is running.
        case busy
        /// The last determination failed.
        case failed
        /// The channel has no data (standby, sensor off or unplugged).
        case noData = "no-data"
    }

    public struct Status: Sendable {
        public let reply: String
        public let character: UInt8
        public let text: String
        public let kind: StatusKind
    }

    public let numerics: MetricMappingTable
    private let statuses: [String: Status]

    public static let shared: GEDinamapTables = {
        do { return try GEDinamapTables(files: EmbeddedProtocolTables.files) } catch {
            fatalError("embedded GE DINAMAP tables are malformed (a build-time bug; run GEDinamapTests): \(error)")
        }
    }()

    public init(files: [String: String]) throws {
        func text(_ name: String) throws -> String {
            guard let t = files["ge-dinamap/\(name)"] else {
                throw MetricMappingTable.LoadError(description: "missing table ge-dinamap/\(name)")
            }
            return t
        }
        numerics = try MetricMappingTable(name: "numerics.tsv", text: try text("numerics.tsv"), keyColumn: "field",
                                          vendorPrefix: "ge-dinamap")
        var statuses: [String: Status] = [:]
        let table = try MappingTable(name: "statuses.tsv", text: try text("statuses.tsv"),
                                     required: ["reply", "status", "text", "kind", "source"])
        for row in table.rows {
            guard let reply = row["reply"], let s = row["status"], s.utf8.count == 1, let t = row["text"],
                  let kind = row["kind"].flatMap(StatusKind.init(rawValue:)), row["source"] != nil else {
                throw MetricMappingTable.LoadError(description: "statuses.tsv line \(row.line): reply, one status character, text, kind and source are required")
            }
            statuses["\(reply)\(s)"] = Status(reply: reply, character: s.utf8.first!, text: t, kind: kind)
        }
        self.statuses = statuses
    }

    /// The meaning of status `character` in a `reply` (`NA`, `OA`, `TC`); `nil` when not in our sources.
    public func status(_ reply: String, _ character: UInt8) -> Status? {
        statuses["\(reply)\(String(decoding: [character], as: UTF8.self))"]
    }

    func mapping(_ key: String) -> MetricMappingTable.Mapping {
        guard let m = numerics[key] else { fatalError("ge-dinamap/numerics.tsv lacks row \(key) (a build-time bug)") }
        return m
    }
}
