import ArgumentParser
import Foundation
import RetentionLua

/// `retention-host check PATH...`: loads each plugin in the sandbox and reports OK or the error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load Lua plugins in the sandbox and report, per file, OK or the error with its line.",
        discussion: """
            A folder stands for every .lua file directly inside it (subfolders such as types/ are \
            not read). Each file loads into a fresh sandboxed runtime under the default limits, \
            with read-only argument tables. Exits with status 1 if any file fails.

            Example:
              retention-host check Plugins Examples/Store/plugins/extra.lua
            """
    )

    @Argument(help: "Plugin files (.lua) or folders of them.")
    var paths: [String]

    func run() throws {
        let files = try PluginFiles.expand(paths)
        var failures = 0
        for file in files {
            switch PluginCheck.load(file) {
            case .success:
                print("OK    \(file)")
            case .failure(let error):
                failures += 1
                print("FAIL  \(error.plugin)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
                if let hint = error.hint { print("      how to fix: \(hint)") }
            }
        }
        print("\(files.count - failures) passed, \(failures) failed")
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Loading one plugin file the way `check` does.
enum PluginCheck {
    static func load(_ path: String) -> Result<Void, LuaError> {
        Result { () throws(LuaError) in
            // Read-only views: while a plugin is being written, every write to an argument raises.
            let runtime = try LuaRuntime(argumentTables: .readOnly)
            _ = try runtime.load(contentsOf: path)
        }
    }
}

/// Turns the paths given on the command line into plugin files.
enum PluginFiles {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "no such file or folder: \(path) (give .lua files or folders that hold them)" }
    }

    /// Files as given; folders become the .lua files directly inside them, sorted by name.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { throw Missing(path: path) }
            if isFolder.boolValue {
                let names = try manager.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".lua") }.sorted()
                let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += names.map { "\(folder)/\($0)" }
            } else {
                files.append(path)
            }
        }
        return files
    }
}
