import Foundation
import RetentionKit
import RetentionLua
import Testing

/// Every code sample in Documentation/ and README.md is compiled or run: Swift blocks must appear
/// verbatim in Samples.swift (or in the file a `<!-- sample: PATH -->` comment before the block
/// names), Lua blocks must load, JSON event blocks must parse.
@Suite("Documentation samples")
struct DocumentationSampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A fenced block: its language, its text, where it is, and the sample comment before it.
    struct Block: CustomStringConvertible {
        var language: String
        var text: String
        var file: String
        var line: Int
        var marker: String?
        var description: String { "\(file):\(line) (\(language))" }
    }

    static func blocks() throws -> [Block] {
        let folder = root.appendingPathComponent("Documentation")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
            .map { "Documentation/\($0)" } + ["README.md"]
        var found: [Block] = []
        for file in files {
            let lines = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var index = 0
            while index < lines.count {
                defer { index += 1 }
                guard lines[index].hasPrefix("```"), lines[index].count > 3 else { continue }
                let language = String(lines[index].dropFirst(3))
                let previous = lines[..<index].last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                let marker = previous.flatMap { $0.hasPrefix("<!-- sample: ") ? String($0.dropFirst(13).dropLast(4)) : nil }
                let start = index + 1
                var end = start
                while end < lines.count && lines[end] != "```" { end += 1 }
                found.append(Block(language: language, text: lines[start..<end].joined(separator: "\n"), file: file,
                                   line: start, marker: marker))
                index = end
            }
        }
        return found
    }

    /// The lines that carry code: trimmed, blank ones and imports dropped (imports go at the top
    /// of a file, not where the sample sits).
    static func codeLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("import ") }
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test("Every Swift sample is compiled: it appears verbatim in the samples the test target builds")
    func swiftSamplesAreCompiled() throws {
        let samples = Self.codeLines(try String(
            contentsOf: Self.root.appendingPathComponent("Tests/DocumentationTests/Samples.swift"), encoding: .utf8))
        let swift = try Self.blocks().filter { $0.language == "swift" }
        #expect(swift.count >= 20, "found only \(swift.count) Swift samples; is the parser right?")
        for block in swift {
            if let marker = block.marker, marker.hasPrefix("not compiled") { continue }
            let source = try block.marker.map {
                Self.codeLines(try String(contentsOf: Self.root.appendingPathComponent($0), encoding: .utf8))
            } ?? samples
            let present = Self.contains(source, Self.codeLines(block.text))
            #expect(present, "\(block) is not in \(block.marker ?? "Tests/DocumentationTests/Samples.swift"); copy it there, in a function that gives it the names it uses")
        }
    }

    @Test("Every Lua sample loads: whole plugins run their chunk, fragments compile")
    func luaSamplesLoad() throws {
        let lua = try Self.blocks().filter { $0.language == "lua" }
        #expect(!lua.isEmpty)
        for block in lua {
            let runtime = try LuaRuntime()
            try LuaPlugins.registerLibrary(in: runtime)
            // A fragment is compiled as the body of a function that is never called.
            let source = block.text.hasPrefix("return {") ? block.text : "return function()\n\(block.text)\nend"
            #expect(throws: Never.self, "\(block)") { _ = try runtime.load(plugin: block.description, source: source) }
        }
    }

    @Test("Every JSON event sample parses into an event")
    func jsonSamplesParse() throws {
        let json = try Self.blocks().filter { $0.language == "json" || $0.language == "jsonl" }
        #expect(!json.isEmpty)
        for block in json {
            // A multi-line object is one event; JSON Lines have one per line.
            let lines = block.language == "json" ? [block.text.replacingOccurrences(of: "\n", with: " ")]
                : block.text.split(separator: "\n").map(String.init)
            for line in lines {
                let results = EventLines(Data(line.utf8)).map(\.result)
                #expect(results.count == 1, "\(block)")
                if case .failure(let error) = results.first { Issue.record("\(block): \(error)") }
            }
        }
    }

    @Test("Samples that can run here do what their comments say")
    func samplesRun() throws {
        let day = try Day(iso: "2026-03-14")
        let source = LedgerSource(eventID: "evt-1", reason: "purchase")
        let account = try Samples.ledgerPending(day: day, source: source)
        #expect(account.balance == PointsBalance(available: 120, pending: 0, debt: 0))
        let error = #expect(throws: LedgerError.self) { try Samples.ledgerOldestFirst(day: day, source: source) }
        #expect(error?.description == "r2: needs 31 points but only 30 are available on 2026-04-04")

        let (q1, summary) = try Samples.metricsHistory()
        #expect(summary.customerIDs == ["c-42"])
        #expect(q1.customersAtStart == 0 && q1.acquired == 1 && q1.customersAtEnd == 1)

        let (tiers, _, program) = try Samples.engineTiers()
        #expect(Samples.engineLimits(program).campaignBudgets == ["spring": 100_000])
        #expect(Samples.engineSegments(tiers).segments.map(\.name) == ["at_risk"])
        #expect(Samples.subscriptionRule().perRenewal == 50)
    }
}
