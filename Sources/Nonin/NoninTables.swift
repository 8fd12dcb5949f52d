import BedsideDriver
import BedsideModel

/// The embedded `Protocols/nonin` tables, parsed once.
public struct NoninTables: Sendable {
    public struct Flag: Sendable {
        public enum Byte: String, Sendable { case status, perfusion, stat2 }
        public let formats: Set<Int>
        public let byte: Byte
        public let mask: UInt8
        public let text: String
        /// The state it gives the values; `nil`: none (a device condition only).
        public let effect: MeasurementState?
        /// Also a technical alert.
        public let alert: Bool

        /// Whether the flag is set in `value` (perfusion: the two-bit code equals ``mask``).
        public func isSet(in value: UInt8) -> Bool {
            byte == .perfusion ? value & 0x06 == mask : value & mask != 0
        }
    }

    public let numerics: MetricMappingTable
    public let flags: [Flag]

    public static let shared: NoninTables = {
        do { return try NoninTables(files: EmbeddedProtocolTables.files) } catch {
            fatalError("embedded Nonin tables are malformed (a build-time bug; run NoninTests): \(error)")
        }
    }()

    public init(files: [String: String]) throws {
        func text(_ name: String) throws -> String {
            guard let t = files["nonin/\(name)"] else { throw MetricMappingTable.LoadError(description: "missing table nonin/\(name)") }
            return t
        }
        numerics = try MetricMappingTable(name: "numerics.tsv", text: try text("numerics.tsv"), keyColumn: "field", vendorPrefix: "nonin")
        let table = try MappingTable(name: "flags.tsv", text: try text("flags.tsv"),
                                     required: ["formats", "byte", "mask", "text", "effect", "alert", "source"])
        flags = try table.rows.map { row in
            guard let f = row["formats"], let b = row["byte"].flatMap(Flag.Byte.init(rawValue:)),
                  let m = row["mask"], m.hasPrefix("0x"), let mask = UInt8(m.dropFirst(2), radix: 16),
                  let t = row["text"], let e = row["effect"], row["source"] != nil else {
                throw MetricMappingTable.LoadError(description: "flags.tsv line \(row.line): malformed row")
            }
            let effect: MeasurementState?
            if e == "none" { effect = nil } else if let s = MeasurementState(rawValue: e) { effect = s } else {
                throw MetricMappingTable.LoadError(description: "flags.tsv line \(row.line): effect '\(e)' is not a reading state or none")
            }
            return Flag(formats: Set(f.split(separator: ",").compactMap { Int($0) }), byte: b, mask: mask, text: t,
                        effect: effect, alert: row["alert"] == "yes")
        }
    }

    func mapping(_ key: String) -> MetricMappingTable.Mapping {
        guard let m = numerics[key] else { fatalError("nonin/numerics.tsv lacks row \(key) (a build-time bug)") }
        return m
    }
}
