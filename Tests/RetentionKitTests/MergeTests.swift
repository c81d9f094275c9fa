import RetentionKit
import Testing

/// Worked examples of merging duplicate profiles (Documentation/Engine.md, "Merging customers").
@Suite("Merging customers")
struct MergeTests {
    static func engine() -> Engine {
        Engine(program: Program(currencies: [.usd], returnWindowDays: 30), rules: RuleSet(earning: [PurchasePoints()]))
    }

    static func merge(_ script: inout EventScript, _ merged: String, into survivor: String, _ day: String) -> Event {
        script("customers_merged", day, #""survivor_id":"\#(survivor)","merged_id":"\#(merged)""#)
    }

    @Test("The survivor keeps both balances, lots keep their dates, and the merged id names the survivor")
    func mergeBalances() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-03-01"))
        engine.mustApply(script.customer("ann-2", "2026-03-01"))
        engine.mustApply(script.order("o-1", of: "ann", "2026-03-02", "30.00"))
        engine.mustApply(script.order("o-2", of: "ann-2", "2026-04-20", "20.00"))
        let merged = engine.mustApply(Self.merge(&script, "ann-2", into: "ann", "2026-05-01"))
        #expect(merged.entries.map { "\($0.customerID) \($0.entry.kind) \($0.entry.points.value)" } == ["ann-2 transferred -20", "ann transferred 20"])
        // ann's 30 points are available; ann-2's 20 stay pending until 2026-05-20, as they were.
        #expect(engine.balance(of: "ann") == PointsBalance(available: 30, pending: 20, debt: 0))
        #expect(engine.balance(of: "ann-2") == engine.balance(of: "ann"))
        #expect(engine.customerIDs == ["ann"])
        #expect(engine.merges == ["ann-2": "ann"])
        #expect(engine.view(of: "ann")?.orderCount == 2)
        #expect(engine.closedAccount(ofMerged: "ann-2")?.balance == PointsBalance(available: 0, pending: 0, debt: 0))

        // A refund of the merged profile's order, naming the old id, takes back what it earned.
        let refund = engine.mustApply(script.orderEvent("order_cancelled", "o-2", of: "ann-2", "2026-05-02"))
        #expect(refund.entries.map { "\($0.customerID) \($0.entry.points.value)" } == ["ann-2 -20"])
        #expect(engine.balance(of: "ann") == PointsBalance(available: 30, pending: 0, debt: 0))
        #expect(engine.account(of: "ann")?.totals.transferredIn == 20)
    }

    @Test("Debt moves with the points, and combined spend can lift the survivor's tier")
    func mergeDebtAndTier() throws {
        var program = Program(currencies: [.usd])
        program.tierDowngrade = .immediate
        let tiers = try SpendTiers(measure: .spend(.usd), tiers: [Tier("silver", from: 80_00)])
        var engine = Engine(program: program, rules: RuleSet(earning: [PurchasePoints()], tiers: tiers))
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-03-01"))
        engine.mustApply(script.customer("ann-2", "2026-03-01"))
        engine.mustApply(script.order("o-1", of: "ann", "2026-03-02", "60.00"))
        engine.mustApply(script.order("o-2", of: "ann-2", "2026-03-03", "50.00"))
        engine.mustApply(script("points_redeemed", "2026-03-04", #""redemption_id":"r-1","customer_id":"ann-2","points":50,"reward":"tote""#))
        engine.mustApply(script("order_refunded", "2026-03-05", #""order_id":"o-2","customer_id":"ann-2","currency":"USD","amount":"20.00""#))
        #expect(engine.balance(of: "ann-2") == PointsBalance(available: 0, pending: 0, debt: 20))
        let merged = engine.mustApply(Self.merge(&script, "ann-2", into: "ann", "2026-03-06"))
        #expect(merged.entries.map { "\($0.customerID) \($0.entry.points.value) debt \($0.entry.debtMoved.value)" }
            == ["ann-2 20 debt 20", "ann -20 debt 20"])
        #expect(engine.balance(of: "ann") == PointsBalance(available: 60, pending: 0, debt: 20))
        // 60.00 + 30.00 net of the refund reaches silver's 80.00; neither profile did alone.
        #expect(merged.tierChanges.map(\.to) == ["silver"])
    }

    @Test("Impossible merges are refused with the reason, and change nothing")
    func refusals() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("a", "2026-03-01"))
        engine.mustApply(script.customer("b", "2026-03-01"))
        engine.mustApply(script.customer("c", "2026-03-01"))
        engine.mustApply(script.order("o-1", of: "a", "2026-03-02", "30.00"))
        engine.mustApply(script.order("o-1", of: "c", "2026-03-02", "10.00"))
        #expect(engine.mustReject(Self.merge(&script, "a", into: "a", "2026-03-03"))?.message == "customer a cannot be merged into themselves")
        #expect(engine.mustReject(Self.merge(&script, "c", into: "a", "2026-03-03"))?.message
            == "customers a and c both have an order o-1; order ids must differ to merge")
        #expect(engine.mustReject(Self.merge(&script, "x", into: "a", "2026-03-03"))?.code == .unknownCustomer)
        engine.mustApply(Self.merge(&script, "b", into: "a", "2026-03-03"))
        #expect(engine.mustReject(Self.merge(&script, "b", into: "c", "2026-03-04"))?.message == "customer b was merged into a before")
        #expect(engine.mustReject(Self.merge(&script, "c", into: "b", "2026-03-04"))?.message == "customer b was merged into a; merge into a instead")
        #expect(engine.balance(of: "c") == PointsBalance(available: 0, pending: 10, debt: 0))
        #expect(engine.customerIDs.sorted() == ["a", "c"])
    }
}
