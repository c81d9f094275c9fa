import Foundation
import Testing

@Suite("retention-host replay --json: rejections")
struct ReplayRejectionTests {
    @Test("A rejection names the event, the plugin that failed and the error")
    func namesThePlugin() throws {
        let folder = try PluginFolder([
            "plugins/broken.lua": #"return { name = "broken-bonus", api = 1, earn = function(e) if e.type == "custom" then return { { points = -5, reason = "x" } } end end }"#,
            "events.jsonl": [
                #"{"id":"c1","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"ana"}}"#,
                #"{"id":"k1","type":"custom","at":"2026-01-03T09:00:00Z","name":"follow","customer_id":"ana"}"#,
            ].joined(separator: "\n") + "\n",
        ])
        let output = try Host.run([
            "replay", folder.path("events.jsonl"), "--plugins", folder.path("plugins"), "--store", folder.path("s.sqlite"), "--json",
        ])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let rejected = try #require(result["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1)
        #expect(rejected.first?["event_id"] as? String == "k1")
        #expect(rejected.first?["plugin"] as? String == "broken-bonus")
        #expect((rejected.first?["error"] as? String)?.contains("points") == true, "\(rejected)")
    }
}
