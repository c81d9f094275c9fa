import RetentionKit
import Testing

@Suite("Earning rules are asked only about the event types they list")
struct RuleEventTypesTests {
    /// Awards 5 points on every event it is asked about, and says which.
    struct Recorder: EarningRule {
        var name: String
        var version = "1"
        var eventTypes: Set<String>?

        func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
            RuleDecision(awards: [Award(points: 5, reason: "asked about \(event.type)", pendingDays: 0)])
        }
    }

    @Test("A rule listing types is not asked about others; its outcome says so, and a rule without a list is asked about all")
    func askedByType() throws {
        var engine = Engine(
            program: Program(currencies: [.usd], returnWindowDays: 0),
            rules: RuleSet(earning: [Recorder(name: "reviews-only", eventTypes: ["review_posted"]), Recorder(name: "everything", eventTypes: nil)]))
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-01-01"))
        let custom = engine.mustApply(script("custom", "2026-01-02", #""name":"newsletter","customer_id":"ann""#))
        #expect(custom.explanation.map(\.rule) == ["reviews-only", "everything"])
        #expect(custom.explanation.map(\.note) == [RuleOutcome.notAskedNote, nil])
        #expect(custom.entries.map(\.entry.source.reason) == ["asked about custom"])
        let review = engine.mustApply(script("review_posted", "2026-01-03", #""review":{"id":"r1","customer_id":"ann","sku":"MUG","rating":5}"#))
        #expect(review.entries.map(\.entry.source.reason) == ["asked about review_posted", "asked about review_posted"])
        #expect(engine.balance(of: "ann")?.available == Points(15))
    }

    @Test("Each built-in rule lists the events it awards on, and a program of them decides as before on an order")
    func builtInTypes() {
        #expect(PurchasePoints().eventTypes == ["order_placed"])
        #expect(ReviewPoints().eventTypes == ["review_posted"])
        #expect(TierBonus(points: ["gold": 100]).eventTypes == ["tier_changed"])
        #expect(SubscriptionPoints().eventTypes == ["subscription_started", "subscription_renewed"])
        var engine = Engine(
            program: Program(currencies: [.usd], returnWindowDays: 0),
            rules: RuleSet(earning: [PurchasePoints(firstOrderBonus: 50), ReviewPoints(points: 20)]))
        var script = EventScript()
        engine.mustApply(script.customer("bo", "2026-01-01"))
        let order = engine.mustApply(script.order("o1", of: "bo", "2026-01-02", "12.00"))
        #expect(order.entries.map(\.entry.points.value) == [12, 50])
        #expect(order.explanation.map(\.note).last == RuleOutcome.notAskedNote)
    }
}
