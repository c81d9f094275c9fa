import Foundation
import Testing

@Suite("retention-host explain")
struct ExplainCommandTests {
    static let events = [
        #"{"id":"c1","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"ana"}}"#,
        #"{"id":"o1","type":"order_placed","at":"2026-01-03T09:00:00Z","order":{"id":"o1","customer_id":"ana","currency":"USD","lines":[{"sku":"BEANS","category":"coffee","quantity":1,"unit_price":"20.00"}],"total":"20.00"}}"#,
        #"{"id":"r1","type":"review_posted","at":"2026-01-04T09:00:00Z","review":{"id":"r1","customer_id":"ana","sku":"BEANS","rating":5}}"#,
        #"{"id":"x1","type":"order_cancelled","at":"2026-01-05T09:00:00Z","order_id":"o1","customer_id":"ana"}"#,
        #"{"id":"k1","type":"clock","at":"2026-02-01T00:00:00Z"}"#,
    ]

    static func store() throws -> String {
        let folder = try PluginFolder(["events.jsonl": events.joined(separator: "\n") + "\n"])
        let store = folder.path("store.sqlite")
        let replay = try Host.run(["replay", folder.path("events.jsonl"), "--plugins", CrashTests.plugins, "--store", store])
        #expect(replay.status == 0, "\(replay.standardError)")
        return store
    }

    @Test("The statement lists each entry with its running balance, rule and reason; --event only that event's")
    func statement() throws {
        let store = try Self.store()
        let output = try Host.run(["explain", "--store", store, "--customer", "ana"])
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        // Purchase points (coffee doubles them) and the first-order bonus, the review, then the
        // cancellation takes the order's points back.
        let entries = lines.filter { $0.hasPrefix("2026-") }
        #expect(entries.count == 5, "\(output.standardOutput)")
        #expect(entries.first?.contains("purchase purchase-points@") == true)
        #expect(entries.last?.contains("reversed") == true)
        #expect(entries.last?.contains("order cancelled") == true)
        let event = try Host.run(["explain", "--store", store, "--customer", "ana", "--event", "r1"])
        #expect(event.standardOutput.contains("review review-points@"), "\(event.standardOutput)")
        #expect(!event.standardOutput.contains("purchase-points"))
        let nothing = try Host.run(["explain", "--store", store, "--customer", "ana", "--event", "k1"])
        #expect(nothing.standardOutput.contains("no ledger entry"))
    }

    @Test("An unknown customer is named, with where to find the customers")
    func unknownCustomer() throws {
        let output = try Host.run(["explain", "--store", try Self.store(), "--customer", "bo"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("no customer 'bo'"))
    }
}
