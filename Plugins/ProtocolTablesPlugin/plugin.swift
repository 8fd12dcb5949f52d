import Foundation
import PackagePlugin

/// Embeds a vendor's mapping tables (`Protocols/<folder>/*.tsv`) into its driver target at build time,
/// so a driver never reads a path at run time and a table edit rebuilds the driver.
@main
struct ProtocolTablesPlugin: BuildToolPlugin {
    /// Which `Protocols/` folder belongs to which driver target.
    static let folders: [String: String] = [
        "GEDatex": "ge-datex",
        "IntelliVue": "intellivue",
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let folder = Self.folders[target.name] else { return [] }
        let tablesDirectory = context.package.directoryURL
            .appendingPathComponent("Protocols").appendingPathComponent(folder)
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
}
