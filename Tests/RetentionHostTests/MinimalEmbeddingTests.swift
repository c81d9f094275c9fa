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
