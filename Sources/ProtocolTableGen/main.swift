import Foundation

// Usage: ProtocolTableGen OUTPUT.swift FOLDER TABLE.tsv...
// Writes `enum EmbeddedProtocolTables { static let files: [String: String] }`, keyed by "FOLDER/NAME.tsv",
// holding each table's text verbatim as a raw string literal.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ProtocolTableGen OUTPUT FOLDER [TABLE.tsv...]\n".utf8))
    exit(64)
}
let folder = arguments[2]
var source = "// Generated at build time from Protocols/\(folder)/*.tsv. Do not edit.\n"
source += "enum EmbeddedProtocolTables {\n    static let files: [String: String] = [\n"
// A vendor folder without tables still has to compile: `[:]` is the empty dictionary literal.
if arguments.count == 3 { source += "        :\n" }
for path in arguments.dropFirst(3) {
    let url = URL(fileURLWithPath: path)
    let text = try String(contentsOf: url, encoding: .utf8)
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    source += "        \"\(folder)/\(url.lastPathComponent)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"
try source.write(to: URL(fileURLWithPath: arguments[1]), atomically: true, encoding: .utf8)
