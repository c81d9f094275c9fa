import Dispatch
import Foundation
import RetentionKit
import Synchronization
import Testing

/// Redemptions racing from separate host processes, each with its own connection or file
/// handle: the store, not the process, decides who gets the points.
@Suite("Concurrent redemptions from separate processes", .serialized)
struct RedemptionRaceTests {
    static func file(_ name: String, _ lines: [String]) throws -> String {
        let path = StoreKindPath.make(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("20 host processes each redeem 10 points from one 100-point balance: 10 succeed, 10 are refused, the balance ends at 0", arguments: CrashStore.all)
    func twentyProcesses(kind: CrashStore) throws {
        let store = kind.make("race")
        let seed = try Self.file("seed.jsonl", [
            #"{"id":"s1","type":"customer_created","at":"2026-04-01T08:00:00Z","customer":{"id":"c-1"}}"#,
            #"{"id":"s2","type":"points_adjusted","at":"2026-04-01T08:00:01Z","customer_id":"c-1","points":100,"reason":"welcome"}"#,
        ])
        let seeded = try Host.run(["replay", seed, "--plugins", CrashTests.plugins, "--store", store])
        #expect(seeded.status == 0, "\(seeded.standardError)")

        let outputs = Mutex<[Host.Output]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { index in
            do {
                let redemption = try Self.file("redeem-\(index).jsonl", [
                    #"{"id":"redeem-\#(index)","type":"points_redeemed","at":"2026-04-01T09:00:\#(10 + index)Z","redemption_id":"rd-\#(index)","customer_id":"c-1","points":10,"reward":"coupon"}"#
                ])
                let output = try Host.run(["replay", redemption, "--plugins", CrashTests.plugins, "--store", store, "--json"])
                outputs.withLock { $0.append(output) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        var applied = 0
        var refused: [String] = []
        for output in outputs.withLock({ $0 }) {
            #expect(output.status == 0, "\(output.standardError)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
            applied += summary["applied"] as? Int ?? 0
            for rejection in summary["rejected"] as? [[String: Any]] ?? [] { refused.append(rejection["error"] as? String ?? "") }
        }
        #expect(applied == 10, "exactly the balance's worth is spent")
        #expect(refused.count == 10, "the rest are refused")
        #expect(refused.allSatisfy { $0.contains("points") }, "each refusal says why: \(refused.first ?? "")")
        let balance = try Host.run(["balances", "--store", store, "--customer", "c-1", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(balance.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.first?["available"] as? Int == 0)
    }
}
