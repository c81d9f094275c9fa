import Foundation
import Testing

@Suite("retention-host generate")
struct GenerateCommandTests {
    @Test("The same customers and seed give the same file; another seed another; every kind of event is in it")
    func deterministic() throws {
        let folder = try PluginFolder([:])
        for (name, seed) in [("a", "5"), ("b", "5"), ("c", "6")] {
            let output = try Host.run(["generate", "--customers", "400", "--seed", seed, "-o", folder.path("\(name).jsonl")])
            #expect(output.status == 0, "\(output.standardError)")
        }
        let a = try String(contentsOfFile: folder.path("a.jsonl"), encoding: .utf8)
        #expect(a == (try String(contentsOfFile: folder.path("b.jsonl"), encoding: .utf8)))
        #expect(a != (try String(contentsOfFile: folder.path("c.jsonl"), encoding: .utf8)))
        for type in ["customer_created", "order_placed", "order_refunded", "review_posted", "points_redeemed", "feedback_received",
                     "delivery_delayed", "support_ticket_closed", "subscription_started", "subscription_renewed", "clock"] {
            #expect(a.contains(#""type":"\#(type)""#), "no \(type)")
        }
    }

    @Test("A customer count out of range is refused with the range")
    func badCount() throws {
        let output = try Host.run(["generate", "--customers", "0", "-o", "/tmp/never.jsonl"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("between 1 and 10000000"), "\(output.standardError)")
    }
}
