import Foundation
import Testing

/// Runs the built `retention-host` as a separate process.
struct Host {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The executable next to this test bundle in the build folder.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return bundle.deletingLastPathComponent().appendingPathComponent("retention-host")
    }()

    static func run(_ arguments: [String], in folder: URL? = nil, executable: URL = Host.executable) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }
}

/// A temporary folder of plugin files.
struct PluginFolder {
    let url: URL

    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("retention-host-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

@Suite("retention-host check")
struct CheckCommandTests {
    @Test("Reports OK per file and exits 0 when every plugin loads")
    func allGood() throws {
        let folder = try PluginFolder([
            "a.lua": "return { name = 'a', api = 1, earn = function() end }",
            "b.lua": "return { name = 'b', api = 1 }",
            "types/meta.lua": "this is not lua and is not read",
            "notes.txt": "not a plugin",
        ])
        let output = try Host.run(["check", folder.url.path])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("OK    \(folder.path("a.lua")) (plugin a; earn)"))
        #expect(output.standardOutput.contains("OK    \(folder.path("b.lua")) (plugin b)"))
        #expect(output.standardOutput.contains("OK    all 2 plugins load together"))
        #expect(!output.standardOutput.contains("meta.lua"))
        #expect(output.standardOutput.contains("plugins: 2 passed, 0 failed; test cases: 0 passed, 0 failed"))
    }

    @Test("Names the file and line of a syntax error, a load-time error and a runaway load; exits 1")
    func failures() throws {
        let folder = try PluginFolder([
            "good.lua": "return { name = 'good', api = 1 }",
            "nameless.lua": "return { api = 1 }",
            "syntax.lua": "return {\n  earn = function(o)\n    return o.total +\n  end\n}",
            "boom.lua": "local config = nil\nreturn { rate = config.rate }",
            "spin.lua": "while true do end",
            "escape.lua": "return { x = io.open('/etc/passwd') }",
        ])
        let output = try Host.run(["check", folder.url.path])
        #expect(output.status == 1)
        let text = output.standardOutput
        #expect(text.contains("OK    \(folder.path("good.lua"))"))
        #expect(text.contains("FAIL  \(folder.path("syntax.lua")):4:"))
        #expect(text.contains("FAIL  \(folder.path("boom.lua")):2: attempt to index a nil value (local 'config')"))
        #expect(text.contains("FAIL  \(folder.path("spin.lua")):1: instruction budget exceeded"))
        #expect(text.contains("FAIL  \(folder.path("escape.lua")):1: attempt to index a nil value (global 'io')"))
        #expect(text.contains("FAIL  \(folder.path("nameless.lua")): name: missing or not a string\n  how to fix: give the plugin a unique name"))
        #expect(text.contains("plugins: 1 passed, 5 failed"))
    }

    @Test("Runs each plugin's test cases and prints the differences of a failing one; --profile reports each hook's cost")
    func fixtures() throws {
        let plugin = """
            return { name = "follow", api = 1,
              earn = function(e) if e.type == "custom" then return { { points = 25, reason = "follow", pending_days = 0 } } end end,
              tests = {
                { name = "a follow earns 25", events = {
                    { id = "c", type = "customer_created", at = "2025-01-01T00:00:00Z", customer = { id = "ana" } },
                    { id = "f", type = "custom", at = "2025-01-02T00:00:00Z", name = "follow", customer_id = "ana" } },
                  expect = { ana = { available = 25 } } },
              } }
            """
        let fixtures = """
            {"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ben"}}
            {"id": "f", "type": "custom", "at": "2025-01-02T00:00:00Z", "name": "follow", "customer_id": "ben"}
            {"case": "wrong on purpose", "expect": {"ben": {"available": 30}}}
            """
        let folder = try PluginFolder(["follow.lua": plugin, "follow.test.jsonl": fixtures])
        let output = try Host.run(["check", "--profile", folder.path("follow.lua")])
        #expect(output.status == 1)
        let text = output.standardOutput
        #expect(text.contains("  pass  a follow earns 25"))
        #expect(text.contains("  FAIL  wrong on purpose\n        at \(folder.path("follow.test.jsonl")):3\n        ben.available: expected 30, got 25"))
        #expect(text.contains("follow.earn"))
        #expect(text.contains("test cases: 1 passed, 1 failed"))
    }

    @Test("A missing path is an error that names it")
    func missing() throws {
        let output = try Host.run(["check", "/no/such/plugins"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("no such file or folder: /no/such/plugins"))
    }
}

@Suite("retention-host call")
struct CallCommandTests {
    static let script = """
        return {
          earn = function(order) return order.total // 100 end,
          fingerprint = function(seed_word)
            local t = {}
            for i = 1, 300 do t["sku-" .. i] = i * 7 end
            local keys = {}
            for k, v in pairs(t) do keys[#keys + 1] = k .. "=" .. v end
            return table.concat(keys, ","), math.random(1, 1 << 40), math.random()
          end,
        }
        """

    @Test("Prints the results as JSON, integers as integers")
    func results() throws {
        let folder = try PluginFolder(["points.lua": Self.script])
        let output = try Host.run(["call", folder.path("points.lua"), "earn", "--args", #"[{"total": 2599}]"#])
        #expect(output.status == 0)
        #expect(output.standardOutput == "[25]\n")
    }

    @Test("Two processes give the same results (iteration order and seeded random numbers)")
    func sameInEveryProcess() throws {
        let folder = try PluginFolder(["points.lua": Self.script])
        let runs = try (0..<3).map { _ in
            try Host.run(["call", folder.path("points.lua"), "fingerprint", "--seed", "2024"])
        }
        #expect(runs.allSatisfy { $0.status == 0 })
        #expect(runs[0].standardOutput.count > 1_000)
        #expect(runs[1].standardOutput == runs[0].standardOutput)
        #expect(runs[2].standardOutput == runs[0].standardOutput)
        let other = try Host.run(["call", folder.path("points.lua"), "fingerprint", "--seed", "2025"])
        #expect(other.standardOutput != runs[0].standardOutput)
    }

    @Test("A failing call prints the error with file and line, and exits 1")
    func failure() throws {
        let folder = try PluginFolder(["points.lua": Self.script])
        let output = try Host.run(["call", folder.path("points.lua"), "earn", "--args", "[{}]"])
        #expect(output.status == 1)
        #expect(output.standardError.contains("points.lua:2: attempt to perform arithmetic on a nil value (field 'total')"))
    }

    @Test("Arguments that are not a JSON array are refused with an example")
    func badArguments() throws {
        let folder = try PluginFolder(["points.lua": Self.script])
        let output = try Host.run(["call", folder.path("points.lua"), "earn", "--args", "{"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("--args must be a JSON array"))
    }
}
