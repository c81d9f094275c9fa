import ArgumentParser
import Foundation
import RetentionKit
import RetentionLua

/// `retention-host check PATH...`: loads each plugin in the sandbox, checks it against the
/// plugin contract, runs its test cases, and optionally profiles its hooks.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check Lua plugins: load each in the sandbox, check the plugin contract, run its test cases.",
        discussion: """
            A folder stands for every .lua file directly inside it (subfolders such as types/ are \
            not read). Each file loads into a fresh sandboxed runtime whose argument tables raise on \
            every write, and must return a plugin table (name, api, hooks). Its test cases run on a \
            fresh engine with that plugin alone: the `tests` table in the plugin, and the cases of \
            a NAME.test.jsonl file beside it. Then all files load together, as a host would load \
            them (two plugins with one name, or two defining `tier`, fail here). Prints OK or FAIL \
            per file and per case, with the differences; exits with status 1 if anything failed.

            With --profile, prints what each hook costs: calls, VM instructions and time per call, \
            over the test cases, or over the events of --events replayed through all the plugins.

            Examples:
              retention-host check Plugins
              retention-host check Plugins/purchase-points.lua my-rules/
              retention-host check Plugins --profile --events Examples/Store/events.jsonl
            """
    )

    @Argument(help: "Plugin files (.lua) or folders of them.")
    var paths: [String]

    @Flag(help: "Report instructions and time per hook per plugin.")
    var profile = false

    @Option(help: "With --profile: a JSON Lines event file to replay through all the plugins.")
    var events: String?

    @Option(help: "A JSON file of configuration the plugins read with retention.config.")
    var config: String?

    func run() throws {
        let files = try PluginFiles.expand(paths)
        let configuration = try config.map(ConfigurationFile.read) ?? .nil
        var failures = 0
        var failedFiles = 0
        var cases = (passed: 0, failed: 0)
        var loaded: [LuaPlugins.Source] = []
        for file in files {
            switch PluginCheck.check(file, configuration: configuration, profiling: profile) {
            case .failure(let error):
                failures += 1
                failedFiles += 1
                print("FAIL  \(error)")
            case .success(let report):
                loaded.append(report.source)
                print("OK    \(file) (plugin \(report.manifest.name)\(report.hooks))")
                for result in report.results {
                    print("  \(result.passed ? "pass" : "FAIL")  \(result.testCase.name)")
                    if result.passed { cases.passed += 1 } else { cases.failed += 1 }
                    if !result.passed {
                        failures += 1
                        print("        at \(result.testCase.origin)")
                        for difference in result.differences { print("        \(difference)") }
                    }
                }
                if profile, events == nil { ProfileTable.print(report.profile) }
            }
        }
        if failures == 0, files.count > 1 {
            do {
                let plugins = try LuaPlugins(sources: loaded, configuration: configuration, profiling: profile)
                print("OK    all \(files.count) plugins load together")
                if profile, let events { try ProfileTable.replay(events, through: plugins) }
            } catch {
                failures += 1
                failedFiles += 1
                print("FAIL  together: \(error)")
            }
        } else if profile, let events, failures == 0, !loaded.isEmpty {
            try ProfileTable.replay(events, through: LuaPlugins(sources: loaded, configuration: configuration, profiling: true))
        }
        print("plugins: \(files.count - min(failedFiles, files.count)) passed, \(failedFiles) failed; "
            + "test cases: \(cases.passed) passed, \(cases.failed) failed")
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Checking one plugin file the way `check` does.
enum PluginCheck {
    struct Report {
        var source: LuaPlugins.Source
        var manifest: PluginManifest
        var results: [PluginTestResult]
        var profile: [HookProfile]

        var hooks: String {
            var hooks: [String] = []
            if manifest.earns { hooks.append("earn") }
            if manifest.decidesTier { hooks.append("tier") }
            if !manifest.segments.isEmpty { hooks.append("segments: \(manifest.segments.joined(separator: ", "))") }
            if manifest.triggers { hooks.append("triggers") }
            return hooks.isEmpty ? "" : "; " + hooks.joined(separator: "; ")
        }
    }

    static func check(_ path: String, configuration: LuaValue = .nil, profiling: Bool = false) -> Result<Report, PluginError> {
        Result { () throws(PluginError) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PluginError(code: .load, file: path, message: "cannot read the file", hint: "check the path and the file's permissions")
            }
            let source = LuaPlugins.Source(file: path, text: String(decoding: data, as: UTF8.self))
            // Read-only argument tables: while a plugin is being written, every write raises.
            let plugins = try LuaPlugins(sources: [source], configuration: configuration, argumentTables: .readOnly, profiling: profiling)
            let manifest = plugins.manifests[0]
            var cases = try PluginFixtures.cases(of: manifest)
            let fixtures = String(path.dropLast(4)) + ".test.jsonl"
            if path.hasSuffix(".lua"), FileManager.default.fileExists(atPath: fixtures) {
                cases += try PluginFixtures.cases(jsonLines: fixtures)
            }
            var results: [PluginTestResult] = []
            var profile: [HookProfile] = []
            for testCase in cases {
                let result = try PluginFixtures.run(testCase, with: plugins)
                results.append(result)
                profile = ProfileTable.merge(profile, result.profile)
            }
            return Report(source: source, manifest: manifest, results: results, profile: profile)
        }
    }
}

/// Prints hook costs.
enum ProfileTable {
    static func merge(_ a: [HookProfile], _ b: [HookProfile]) -> [HookProfile] {
        var byHook: [String: HookProfile] = [:]
        for item in a + b {
            let key = "\(item.plugin)\u{0}\(item.hook)"
            byHook[key, default: HookProfile(plugin: item.plugin, hook: item.hook)].add(item)
        }
        return byHook.values.sorted { ($0.plugin, $0.hook) < ($1.plugin, $1.hook) }
    }

    static func print(_ profile: [HookProfile]) {
        guard !profile.isEmpty else {
            Swift.print("        (no hook was called: add test cases, or pass --events)")
            return
        }
        Swift.print("        hook                                   calls   instructions/call (max)     time/call")
        for item in profile {
            let calls = max(item.calls, 1)
            let nanoseconds = Double(item.duration.components.seconds) * 1e9 + Double(item.duration.components.attoseconds) / 1e9
            let name = "\(item.plugin).\(item.hook)"
            Swift.print("        \(name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(String(item.calls).leftPadded(6))"
                + "   \(String(item.instructions / Int64(calls)).leftPadded(10)) (\(String(item.maximumInstructions).leftPadded(8)))"
                + "   \(String(format: "%9.2f µs", nanoseconds / Double(calls) / 1000))"
                + (item.failures > 0 ? "   \(item.failures) failed" : ""))
        }
    }

    /// Replays an event file through the plugins and prints what each hook cost.
    static func replay(_ path: String, through plugins: LuaPlugins) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the event file \(path)")
        }
        let rules = try plugins.ruleSet()
        var engine = Engine(program: plugins.program, rules: rules.rules)
        var counts = (applied: 0, rejected: 0, unreadable: 0)
        for line in EventLines(Array(data)) {
            guard case .success(let event) = line.result else {
                counts.unreadable += 1
                continue
            }
            if case .rejected = engine.apply(event) { counts.rejected += 1 } else { counts.applied += 1 }
        }
        Swift.print("profile over \(path): \(counts.applied) events applied, \(counts.rejected) rejected, \(counts.unreadable) unreadable lines")
        print(rules.profile)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// The JSON configuration file plugins read through `retention.config`.
enum ConfigurationFile {
    static func read(_ path: String) throws -> LuaValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the configuration file \(path)")
        }
        do {
            return try JSONDecoder().decode(LuaValue.self, from: data)
        } catch {
            throw ValidationError("\(path) is not valid JSON: \(error)")
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
