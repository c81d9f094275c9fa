import Foundation
import Testing

@Suite("retention-host simulate")
struct SimulateCommandTests {
    @Test("A candidate that pays more for photo reviews: more points earned and held, the same tiers, the reviewers listed")
    func candidate() throws {
        let library = URL(fileURLWithPath: CrashTests.plugins)
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: library.path) where name.hasSuffix(".lua") {
            var text = try String(contentsOf: library.appendingPathComponent(name), encoding: .utf8)
            if name == "review-points.lua" {
                text = text.replacingOccurrences(of: #"retention.config("review_points.with_media_points", 50)"#, with: #"retention.config("review_points.with_media_points", 150)"#)
            }
            files[name] = text
        }
        let candidate = try PluginFolder(files)
        let output = try Host.run([
            "simulate", ReportCommandTests.exampleStore, "--plugins", CrashTests.plugins, "--candidate", candidate.url.path,
            "--points-expire-days", "365", "--point-value", "1.00/100", "--json",
        ])
        #expect(output.status == 0, "\(output.standardError)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let current = try #require(result["current"] as? [String: Any]), proposed = try #require(result["candidate"] as? [String: Any])
        let earned = (proposed["earned"] as? Int ?? 0) - (current["earned"] as? Int ?? 0)
        #expect(earned > 0 && earned % 100 == 0, "each photo review earns 100 more: \(earned)")
        #expect(current["redeemed"] as? Int == proposed["redeemed"] as? Int)
        #expect(current["tiers"] as? [String: Int] == proposed["tiers"] as? [String: Int])
        let affected = try #require(result["most_affected"] as? [[String: Any]])
        #expect(!affected.isEmpty && affected.allSatisfy { ($0["lifetime_points_change"] as? Int ?? 0) % 100 == 0 })
        #expect((proposed["liability"] as? String) != nil)
        // The same rule set on both sides changes nothing.
        let same = try Host.run(["simulate", ReportCommandTests.exampleStore, "--plugins", CrashTests.plugins, "--candidate", CrashTests.plugins])
        #expect(same.standardOutput.contains("No customer's lifetime points change."), "\(same.standardOutput)")
    }

    @Test("Without a candidate, the command says what to give")
    func missingCandidate() throws {
        let output = try Host.run(["simulate", ReportCommandTests.exampleStore, "--plugins", CrashTests.plugins])
        #expect(output.status != 0)
        #expect(output.standardError.contains("--candidate"), "\(output.standardError)")
    }
}
