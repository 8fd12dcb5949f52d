import Foundation
import PackagePlugin

/// Embeds a vendor's mapping tables (`Protocols/<folder>/*.tsv`) into its driver target at build time,
/// so a driver never reads a path at run time and a table edit rebuilds the driver.
///
/// The folder is found by convention, so adding a driver never touches this plugin: it is the
/// `Protocols/` folder whose name, without dashes and ignoring case, is the target's name
/// (`GEDatex` ↔ `ge-datex`, `IntelliVue` ↔ `intellivue`, `BBraunSpace` ↔ `b-braun-space`). Use the
/// driver's registry name for the folder and spell the target so that they match.
@main
struct ProtocolTablesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let protocols = context.package.directoryURL.appendingPathComponent("Protocols")
        let folder = try Self.folder(for: target.name, in: protocols)
        let tablesDirectory = protocols.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tablesDirectory.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".tsv") }.sorted().map { tablesDirectory.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedProtocolTables.swift")
        return [
            .buildCommand(
                displayName: "Embedding Protocols/\(folder) tables into \(target.name)",
                executable: try context.tool(named: "ProtocolTableGen").url,
                arguments: [output.path, folder] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    /// The one folder of `protocols` that matches `targetName` by the convention above.
    static func folder(for targetName: String, in protocols: URL) throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: protocols.path)) ?? []
        let key = targetName.lowercased()
        let matches = folders.filter { $0.replacingOccurrences(of: "-", with: "").lowercased() == key }.sorted()
        guard matches.count == 1 else {
            throw TablesError(targetName: targetName, matches: matches)
        }
        return matches[0]
    }
}

struct TablesError: Error, CustomStringConvertible {
    var targetName: String
    var matches: [String]

    var description: String {
        matches.isEmpty
            ? "target \(targetName) uses ProtocolTablesPlugin but no Protocols/<folder> matches it: name the folder "
                + "after the driver (e.g. Protocols/\(targetName.lowercased())) so that without dashes it reads "
                + "'\(targetName.lowercased())', or remove the plugin from the target"
            : "target \(targetName) matches several Protocols/ folders (\(matches.joined(separator: ", "))); keep one"
    }
}
