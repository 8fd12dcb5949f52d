import Foundation

/// Locates the shared captures: `$BEDSIDE_SHARED` or `<package root>/../shared`.
enum SharedData {
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["BEDSIDE_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var geCaptures: URL { root.appendingPathComponent("captures/ge-datex-s5") }

    static var available: Bool { FileManager.default.fileExists(atPath: geCaptures.path) }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: geCaptures.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: geCaptures.appendingPathComponent(name), encoding: .utf8)
    }

    static let skipMessage: Comment = "needs ../shared/captures/ge-datex-s5 next to the package (or BEDSIDE_SHARED)"
}

import Testing
