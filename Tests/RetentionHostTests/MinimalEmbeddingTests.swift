import Foundation
import Testing

@Suite("Examples/MinimalEmbedding")
struct MinimalEmbeddingTests {
    @Test("The smallest embedding runs and awards a point per dollar")
    func runs() throws {
        let executable = Host.executable.deletingLastPathComponent().appendingPathComponent("MinimalEmbedding")
        let output = try Host.run([], executable: executable)
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput == "ana has 42 points\n")
        let source = try String(
            contentsOf: ReportCommandTests.root.appendingPathComponent("Examples/MinimalEmbedding/main.swift"), encoding: .utf8)
        #expect(source.split(separator: "\n", omittingEmptySubsequences: false).count < 50)
    }
}

@Suite("Documentation samples")
struct DocumentationSampleTests {
    @Test("Getting started shows Examples/MinimalEmbedding/main.swift as it is (built and run above)")
    func gettingStarted() throws {
        let root = ReportCommandTests.root
        let guide = try String(contentsOf: root.appendingPathComponent("Documentation/GettingStarted.md"), encoding: .utf8)
        let sample = try String(contentsOf: root.appendingPathComponent("Examples/MinimalEmbedding/main.swift"), encoding: .utf8)
        let marker = "<!-- sample: Examples/MinimalEmbedding/main.swift -->\n```swift\n"
        let start = try #require(guide.range(of: marker))
        let end = try #require(guide.range(of: "```", range: start.upperBound..<guide.endIndex))
        #expect(String(guide[start.upperBound..<end.lowerBound]) == sample)
    }
}
