import RetentionKit
import Testing

/// Worked examples of tiers (Documentation/Engine.md, "Tiers").
@Suite("Tiers")
struct TierTests {
    static let tiers: SpendTiers = {
        do {
            return try SpendTiers(measure: .spend(.usd), tiers: [
                Tier("bronze", from: 0),
                Tier("silver", from: 250_00, keepAt: 200_00, earnMultiplierPercent: 125),
                Tier("gold", from: 500_00, keepAt: 400_00, earnMultiplierPercent: 150),
            ])
        } catch { preconditionFailure("\(error)") }
    }()

    static func engine(_ downgrade: TierDowngrade = .afterGrace(days: 30), window: QualificationWindow = .rolling(days: 365)) -> Engine {
        Engine(
            program: Program(currencies: [.usd], qualification: window, tierDowngrade: downgrade),
            rules: RuleSet(earning: [PurchasePoints(), TierBonus(points: ["silver": 100, "gold": 250])], tiers: tiers))
    }

    @Test("Qualifying spend counts each currency apart, only within the window, and reads the same however it was set")
    func qualifyingSpendByCurrency() throws {
        var engine = Engine(
            program: Program(currencies: [.usd, .eur], qualification: .rolling(days: 365)),
            rules: RuleSet(earning: [PurchasePoints()], tiers: Self.tiers))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "300.00"))
        let single = try #require(engine.view(of: "c-1"))
        #expect(single.qualifyingSpend == [.usd: 300_00])
        #expect(single.qualifyingSpend(in: .usd) == 300_00 && single.qualifyingSpend(in: .eur) == 0)

        engine.mustApply(script("order_placed", "2026-01-12", #""order":{"id":"o-2","customer_id":"c-1","currency":"EUR","lines":[{"sku":"E","quantity":1,"unit_price":"40.00"}],"total":"40.00"}"#))
        engine.mustApply(script.order("o-3", of: "c-1", "2026-01-14", "20.00"))
        let both = try #require(engine.view(of: "c-1"))
        #expect(both.qualifyingSpend == [.usd: 320_00, .eur: 40_00])
        #expect(both.qualifyingSpend(in: .usd) == 320_00 && both.qualifyingSpend(in: .eur) == 40_00 && both.qualifyingSpend(in: .jpy) == 0)
        // Spend tiers in USD see the USD alone.
        #expect(both.tier == "silver")

        // Set from a dictionary, a view equals the one the engine built with the same amounts.
        var rebuilt = both
        rebuilt.qualifyingSpend = [.eur: 40_00, .usd: 320_00]
        #expect(rebuilt == both)
        rebuilt.qualifyingSpend = [.usd: 300_00]
        #expect(rebuilt.qualifyingSpend == single.qualifyingSpend && rebuilt.qualifyingSpend(in: .eur) == 0)

        engine.mustApply(script.clock("2027-02-01"))
        let later = try #require(engine.view(of: "c-1"))
        #expect(later.qualifyingSpend.isEmpty && later.qualifyingSpend(in: .usd) == 0)
        #expect(later.totalSpent == [.usd: 320_00, .eur: 40_00])
    }

    @Test("A customer moves up the moment they qualify, and the view says how far the next tier is")
    func upgrade() {
        var engine = Self.engine()
        var script = EventScript()
        let created = engine.mustApply(script.customer("c-1", "2026-01-05"))
        #expect(created.tierChanges.map(\.to) == ["bronze"])
        let order = engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "300.00"))
        #expect(order.tierChanges == [TierChange(
            customerID: "c-1", from: "bronze", to: "silver", isUpgrade: true, day: day("2026-01-10"),
            reason: "300.00 USD in the last 365 days; silver starts at 250.00 USD")])
        // The order's 300 points, then the silver bonus the tier change brought.
        #expect(order.entries.map(\.entry.points) == [300, 100])
        #expect(order.entries.last?.entry.source.reason == "reached silver")
        let view = engine.view(of: "c-1")
        #expect(view?.tier == "silver")
        #expect(view?.tierProgress?.nextTier == "gold")
        #expect(view?.tierProgress?.toNextTier == 200_00)
        #expect(view?.tierProgress?.toKeepTier == 0)
    }

    @Test("A tier multiplies what order lines earn, and the explanation says so")
    func multiplier() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "300.00"))
        let second = engine.mustApply(script.order("o-2", of: "c-1", "2026-01-20", "100.00"))
        #expect(second.entries.map(\.entry.points) == [125])
        #expect(second.adjustments == [AwardAdjustment(
            customerID: "c-1", rule: "purchase-points", reason: "purchase", requested: 100, granted: 125,
            why: "silver tier earns 125% on order lines")])
    }

    @Test("Spend leaving the rolling window starts a grace period; the downgrade is dated when it ends, with or without clock events")
    func graceDowngrade() {
        var script = EventScript()
        let history = [
            script.customer("c-1", "2026-01-05"),
            script.order("o-1", of: "c-1", "2026-01-10", "300.00"),
        ]
        // The order stops counting on 2027-01-10; the grace of 30 days ends on 2027-02-09.
        var withClock = Self.engine()
        for event in history { withClock.mustApply(event) }
        let first = withClock.mustApply(script.clock("2027-01-15"))
        #expect(first.tierChanges.isEmpty)
        #expect(first.notes == ["customer c-1 no longer qualifies for silver (0.00 USD in the last 365 days; bronze starts at 0.00 USD); they keep it until 2027-02-09 unless they qualify again"])
        #expect(withClock.view(of: "c-1")?.tierDowngradeOn == day("2027-02-09"))
        let second = withClock.mustApply(script.clock("2027-02-20"))
        #expect(second.tierChanges.map { "\($0.from ?? "-")→\($0.to ?? "-") on \($0.day)" } == ["silver→bronze on 2027-02-09"])
        #expect(second.tierChanges.first?.reason == "0.00 USD in the last 365 days; bronze starts at 0.00 USD; the grace of 30 days ended")

        // Without clock events, the customer's next event brings the same change, dated the same.
        var lazy = Self.engine()
        for event in history { lazy.mustApply(event) }
        let next = lazy.mustApply(script.order("o-2", of: "c-1", "2027-03-01", "10.00"))
        #expect(next.tierChanges.map { "\($0.from ?? "-")→\($0.to ?? "-") on \($0.day)" } == ["silver→bronze on 2027-02-09"])
        #expect(next.entries.map(\.entry.points) == [10])  // bronze: no multiplier any more
    }

    @Test("Qualifying again during the grace keeps the tier")
    func graceRecovered() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "300.00"))
        engine.mustApply(script.clock("2027-01-15"))
        let back = engine.mustApply(script.order("o-2", of: "c-1", "2027-01-20", "210.00"))
        // 210.00 is below silver's 250.00 to enter but above its 200.00 to keep.
        #expect(back.tierChanges.isEmpty)
        #expect(back.notes == ["customer c-1 qualifies for silver again (210.00 USD in the last 365 days; silver is kept from 200.00 USD); no downgrade"])
        #expect(engine.mustApply(script.clock("2027-03-01")).tierChanges.isEmpty)
        #expect(engine.view(of: "c-1")?.tier == "silver")
    }

    @Test("With a calendar-year window, the year's spend counts and downgrades wait for 1 January")
    func calendarYear() {
        var engine = Self.engine(.endOfPeriod, window: .calendarYear)
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-06-10", "600.00"))
        #expect(engine.view(of: "c-1")?.tier == "gold")
        // On 1 January 2027 the spend resets: gold is kept to the end of the tier period (1 January 2028).
        let newYear = engine.mustApply(script.clock("2027-01-02"))
        #expect(newYear.notes.first?.hasSuffix("they keep it until 2028-01-01 unless they qualify again") == true)
        let later = engine.mustApply(script.clock("2028-01-03"))
        #expect(later.tierChanges.map(\.to) == ["bronze"])
        #expect(later.tierChanges.first?.day == day("2028-01-01"))
    }

    @Test("A tier bonus is paid once per customer and tier")
    func bonusOnce() {
        var engine = Self.engine(.immediate)
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "300.00"))
        let down = engine.mustApply(script.orderEvent("order_cancelled", "o-1", of: "c-1", "2026-01-11"))
        #expect(down.tierChanges.map(\.to) == ["bronze"])
        let again = engine.mustApply(script.order("o-2", of: "c-1", "2026-01-12", "260.00"))
        #expect(again.tierChanges.map(\.to) == ["silver"])
        #expect(again.entries.map(\.entry.points) == [260])
        #expect(again.adjustments.map(\.why) == ["awarded before (ledger key tier:c-1:silver/tier-bonus/0); each award is made once"])
    }

    @Test("Tiers listed out of order are refused when the program is built")
    func misconfigured() {
        #expect(throws: ConfigurationError(
            setting: "tiers",
            message: "'silver' (from 250.00 USD) is listed above 'gold' (from 500.00 USD); list tiers lowest first with rising thresholds"
        )) {
            try SpendTiers(measure: .spend(.usd), tiers: [Tier("gold", from: 500_00), Tier("silver", from: 250_00)])
        }
        #expect(throws: ConfigurationError.self) {
            try SpendTiers(measure: .orders, tiers: [Tier("regular", from: 2, keepAt: 3)])
        }
    }

    @Test("A tier policy that fails rejects the event whole")
    func failingPolicy() {
        struct Broken: TierPolicy {
            let name = "broken"
            let version = "1"
            let tiers = ["a"]
            struct Failure: Error, CustomStringConvertible { var description: String { "no tier today" } }
            func assess(_ customer: CustomerView) throws -> TierAssessment {
                if customer.orderCount > 0 { throw Failure() }
                return TierAssessment(tier: "a", reason: "everyone")
            }
        }
        var engine = Engine(program: Program(), rules: RuleSet(earning: [PurchasePoints()], tiers: Broken()))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        let error = engine.mustReject(script.order("o-1", of: "c-1", "2026-01-10", "30.00"))
        #expect(error?.message == "tier policy broken (version 1) failed for customer c-1: no tier today")
        #expect(engine.account(of: "c-1")?.entries.isEmpty == true)
        #expect(engine.view(of: "c-1")?.orderCount == 0)
    }
}
