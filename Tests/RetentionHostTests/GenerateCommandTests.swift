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
        for type in ["customer_created", "order_placed", "order_paid", "order_cancelled", "order_refunded", "order_returned",
                     "review_posted", "points_redeemed", "referral_completed", "feedback_received", "delivery_delayed",
                     "support_ticket_closed", "subscription_started", "subscription_renewed", "subscription_skipped",
                     "subscription_paused", "subscription_payment_failed", "subscription_cancelled", "clock"] {
            #expect(a.contains(#""type":"\#(type)""#), "no \(type)")
        }
        // The holiday peak: more orders from 15 November to 19 December than in the five weeks before.
        let orderDays = a.split(separator: "\n").filter { $0.contains(#""type":"order_placed""#) }.compactMap { line in
            line.range(of: #""at":""#).map { String(line[$0.upperBound...].prefix(10)) }
        }
        let before = orderDays.filter { $0 >= "2025-10-11" && $0 <= "2025-11-14" }.count
        let peak = orderDays.filter { $0 >= "2025-11-15" && $0 <= "2025-12-19" }.count
        #expect(Double(peak) > 1.2 * Double(before), "\(peak) orders in the peak, \(before) in the five weeks before")
    }

    @Test("A customer count out of range is refused with the range")
    func badCount() throws {
        let output = try Host.run(["generate", "--customers", "0", "-o", "/tmp/never.jsonl"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("between 1 and 10000000"), "\(output.standardError)")
    }
}
