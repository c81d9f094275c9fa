import Foundation
import RetentionKit
import RetentionLua
import Testing

/// The plugins shipped in Plugins/: each one's own test cases, and a worked example through the
/// engine.
@Suite("The plugin library")
struct PluginLibraryTests {
    static let pluginsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Plugins")

    static var libraryFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pluginsFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { pluginsFolder.appendingPathComponent($0).path }
    }

    @Test("Every plugin's test cases pass, alone, with read-only argument tables", arguments: libraryFiles)
    func fixtures(_ file: String) throws {
        let plugins = try LuaPlugins(files: [file], argumentTables: .readOnly)
        var cases = try PluginFixtures.cases(of: plugins.manifests[0])
        let jsonLines = String(file.dropLast(4)) + ".test.jsonl"
        if FileManager.default.fileExists(atPath: jsonLines) { cases += try PluginFixtures.cases(jsonLines: jsonLines) }
        for testCase in cases {
            let result = try PluginFixtures.run(testCase, with: plugins)
            #expect(result.passed, "\(testCase.origin) \(testCase.name): \(result.differences)")
        }
    }

    @Test("Every plugin says what it does and loads together with the others")
    func together() throws {
        let plugins = try LuaPlugins(files: Self.libraryFiles)
        #expect(plugins.manifests.count == Self.libraryFiles.count)
        for manifest in plugins.manifests {
            #expect(manifest.summary?.isEmpty == false, "\(manifest.file) has no description")
            #expect(manifest.version == "1")
        }
        #expect(plugins.manifests.filter(\.decidesTier).map(\.name) == ["spend-tiers"])
    }

    @Test("A worked example: a first order of 25.00 kitchen goods and 9.00 coffee with a 3.40 discount earns 38 + 50 points")
    func workedExample() throws {
        let program = Program(currencies: [.usd], returnWindowDays: 30)
        let files = ["purchase-points.lua", "spend-tiers.lua"].map { Self.pluginsFolder.appendingPathComponent($0).path }
        var engine = Engine(program: program, rules: try LuaPlugins(files: files, program: program).ruleSet().rules)
        let created = try #require(engine.apply(EventParser.parse(
            #"{"id": "c1", "type": "customer_created", "at": "2026-03-14T09:00:00Z", "customer": {"id": "c-42", "email": "a@example.com"}}"#
        )).decisions)
        let outcome = engine.apply(try EventParser.parse(#"""
            {"id": "evt-1", "type": "order_placed", "at": "2026-03-14T10:12:00Z",
             "order": {"id": "1001", "customer_id": "c-42", "currency": "USD",
                       "lines": [{"sku": "MUG-01", "category": "kitchen", "quantity": 2, "unit_price": "12.50"},
                                 {"sku": "BEAN-250", "category": "coffee", "quantity": 1, "unit_price": "9.00"}],
                       "discount": "3.40", "total": "30.60"}}
            """#))
        let decisions = try #require(outcome.decisions)
        // Eligible: 22.50 and 8.10 after the discount's share; coffee doubles: 22.50 + 16.20 = 38.70.
        #expect(decisions.entries.map(\.entry.points.value) == [38, 50])
        #expect(decisions.entries.map(\.entry.source.reason) == ["purchase", "first order bonus"])
        // Bronze starts at 0.00, so the customer holds it from the start, with the policy's reason.
        #expect(created.tierChanges.map(\.to) == ["bronze"])
        #expect(created.tierChanges.first?.reason == "0.00 USD in the last 365 days; bronze starts at 0.00 USD")
        let progress = try #require(engine.view(of: "c-42")?.tierProgress)
        #expect(progress.current == 30_60)
        #expect(progress.toNextTier == 21_940)   // silver starts at 250.00
        #expect(engine.balance(of: "c-42")?.pending.value == 88)
    }
}
