import Foundation
import Testing

@Suite("retention-host explain")
struct ExplainCommandTests {
    static let events = [
        #"{"id":"c1","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"ana"}}"#,
        #"{"id":"o1","type":"order_placed","at":"2026-01-03T09:00:00Z","order":{"id":"o1","customer_id":"ana","currency":"USD","lines":[{"sku":"BEANS","category":"coffee","quantity":1,"unit_price":"20.00"}],"total":"20.00"}}"#,
        #"{"id":"r1","type":"review_posted","at":"2026-01-04T09:00:00Z","review":{"id":"r1","customer_id":"ana","sku":"BEANS","rating":5}}"#,
        #"{"id":"x1","type":"order_cancelled","at":"2026-01-05T09:00:00Z","order_id":"o1","customer_id":"ana"}"#,
        #"{"id":"r2","type":"review_posted","at":"2026-01-06T09:00:00Z","review":{"id":"r2","customer_id":"ana","sku":"BEANS","rating":4}}"#,
        #"{"id":"k1","type":"clock","at":"2026-02-01T00:00:00Z"}"#,
    ]

    static func eventsFile() throws -> String {
        try PluginFolder(["events.jsonl": events.joined(separator: "\n") + "\n"]).path("events.jsonl")
    }

    static func store() throws -> String {
        let events = try eventsFile()
        let store = URL(fileURLWithPath: events).deletingLastPathComponent().appendingPathComponent("store.sqlite").path
        let replay = try Host.run(["replay", events, "--plugins", CrashTests.plugins, "--store", store])
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

    @Test("--events replays up to the event and shows every rule's verdict, a note where a rule awarded nothing")
    func replayedVerdicts() throws {
        let events = try Self.eventsFile()
        // The second review of BEANS earns nothing, and review-points says why.
        let second = try Host.run(["explain", "--customer", "ana", "--event", "r2", "--events", events, "--plugins", CrashTests.plugins])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("replayed from \(events):5"), "\(second.standardOutput)")
        #expect(second.standardOutput.contains("review-points@1 on review_posted: nothing: a review of BEANS was rewarded already (one per product)"),
                "\(second.standardOutput)")
        #expect(second.standardOutput.contains("not asked (their earn_on leaves the event type out): birthday-points, purchase-points"))
        #expect(second.standardOutput.contains("ledger: no entry"))
        // The order: purchase points, the first-order bonus, and the entries they made.
        let order = try Host.run(["explain", "--customer", "ana", "--event", "o1", "--events", events, "--plugins", CrashTests.plugins])
        #expect(order.standardOutput.contains("purchase-points@1 on order_placed: "), "\(order.standardOutput)")
        #expect(order.standardOutput.contains("points (first order bonus)"))
        #expect(order.standardOutput.split(separator: "\n").filter { $0.contains("  earned  ") }.count == 2, "\(order.standardOutput)")
    }

    @Test("A replay explanation needs the event, the plugins and a file that holds the event", arguments: [
        (["--events", "EVENTS"], "--events replays up to one event: give --event ID"),
        (["--event", "r2", "--events", "EVENTS"], "--events needs the plugins the replay used"),
        (["--event", "r2", "--plugins", "PLUGINS"], "--plugins is for a replay"),
        (["--event", "nope", "--events", "EVENTS", "--plugins", "PLUGINS"], "no event nope in "),
    ])
    func replayMistakes(_ options: [String], _ message: String) throws {
        let events = try Self.eventsFile()
        let arguments = options.map { $0 == "EVENTS" ? events : $0 == "PLUGINS" ? CrashTests.plugins : $0 }
        let output = try Host.run(["explain", "--customer", "ana"] + arguments)
        #expect(output.status != 0)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    @Test("An unknown customer is named, with where to find the customers")
    func unknownCustomer() throws {
        let output = try Host.run(["explain", "--store", try Self.store(), "--customer", "bo"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("no customer 'bo'"))
    }
}
