import ArgumentParser
import Foundation
import RetentionLua

/// `retention-host call FILE FUNCTION`: calls one function of a plugin with JSON arguments.
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call one function of a plugin with JSON arguments and print its results as JSON.",
        discussion: """
            For trying a rule by hand. The arguments are a JSON array, one element per argument; \
            JSON integers arrive as Lua integers, and tables arrive read-only (any write raises). \
            The results print as a JSON array, keys sorted.

            Example:
              retention-host call Plugins/review-points.lua earn --args '[{"type": "review_posted", "review": {"sku": "MUG", "has_media": true}}, {"rewarded_review_skus": {}}]'
            """
    )

    @Argument(help: "The plugin file.")
    var file: String

    @Argument(help: "The function's dotted path in the plugin, e.g. earn or segments.at_risk.")
    var function: String

    @Option(help: "The arguments as a JSON array.")
    var args: String = "[]"

    @Option(help: "The seed for math.random in this call.")
    var seed: UInt64 = 0

    func run() throws {
        let arguments: [LuaValue]
        do {
            arguments = try JSONDecoder().decode([LuaValue].self, from: Data(args.utf8))
        } catch {
            throw ValidationError("--args must be a JSON array of values (for example '[{\"total\": 2550}]'): \(error)")
        }
        let results: [LuaValue]
        do {
            let runtime = try LuaRuntime(argumentTables: .readOnly)
            try LuaPlugins.registerLibrary(in: runtime)
            let plugin = try runtime.load(contentsOf: file)
            let resolved = try runtime.function(function, in: plugin)
            results = try runtime.callReturningAll(resolved, seed: seed, arguments: arguments)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(results), as: UTF8.self))
    }
}
