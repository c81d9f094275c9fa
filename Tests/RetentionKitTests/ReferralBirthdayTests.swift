import RetentionKit
import Testing

/// Worked examples of referrals and birthdays (Documentation/Engine.md).
@Suite("Referrals and birthdays")
struct ReferralBirthdayTests {
    static func engine(maximumReferrals: Int? = nil) -> Engine {
        Engine(
            program: Program(currencies: [.usd], returnWindowDays: 30, referrals: ReferralPolicy(maximum: maximumReferrals)),
            rules: RuleSet(earning: [PurchasePoints(), ReferralPoints(points: 500), BirthdayPoints(points: 200)]))
    }

    static func referral(_ script: inout EventScript, _ referrer: String, _ referee: String, order: String, _ day: String) -> Event {
        script("referral_completed", day, #""referrer_id":"\#(referrer)","referee_id":"\#(referee)","order_id":"\#(order)""#)
    }

    @Test("The referrer earns when the referee's first order is paid, pending until its return window has passed")
    func referralRewarded() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-03-01", email: "ann@example.com"))
        engine.mustApply(script.customer("bob", "2026-03-02", email: "bob@example.com"))
        engine.mustApply(script.order("o-1", of: "bob", "2026-03-05", "40.00"))
        let waiting = engine.mustApply(Self.referral(&script, "ann", "bob", order: "o-1", "2026-03-05"))
        #expect(waiting.entries.isEmpty)
        #expect(waiting.notes == ["referral of bob by ann accepted; the reward waits for order o-1 to be paid"])
        let paid = engine.mustApply(script.orderEvent("order_paid", "o-1", of: "bob", "2026-03-06"))
        #expect(paid.entries.map(\.customerID) == ["ann"])
        #expect(paid.entries.first?.entry.points == 500)
        #expect(paid.entries.first?.entry.availableOn == day("2026-04-05"))  // paid + 30 days
        #expect(paid.entries.first?.entry.source.reason == "referred bob")
        #expect(engine.view(of: "ann")?.referralCount == 1)
    }

    @Test("Cancelling the referee's order takes the referrer's reward back")
    func referralReversed() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-03-01"))
        engine.mustApply(script.customer("bob", "2026-03-02"))
        engine.mustApply(script.order("o-1", of: "bob", "2026-03-05", "40.00"))
        engine.mustApply(script.orderEvent("order_paid", "o-1", of: "bob", "2026-03-05"))
        engine.mustApply(Self.referral(&script, "ann", "bob", order: "o-1", "2026-03-06"))
        #expect(engine.balance(of: "ann") == PointsBalance(available: 0, pending: 500, debt: 0))
        let cancelled = engine.mustApply(script.orderEvent("order_cancelled", "o-1", of: "bob", "2026-03-10"))
        #expect(cancelled.entries.map { "\($0.customerID) \($0.entry.points.value)" } == ["bob -40", "ann -500"])
        #expect(cancelled.entries.last?.entry.source.reason == "referred customer bob's order o-1: order cancelled")
        #expect(engine.balance(of: "ann") == PointsBalance(available: 0, pending: 0, debt: 0))
    }

    @Test("Self-referrals, second referrals, later orders and referrals over the limit are refused with the reason")
    func referralRefusals() {
        var engine = Self.engine(maximumReferrals: 1)
        var script = EventScript()
        engine.mustApply(script.customer("ann", "2026-03-01", email: "Ann+Shop@Example.com "))
        engine.mustApply(script.customer("ann2", "2026-03-01", email: "ann@example.com"))
        engine.mustApply(script.customer("bob", "2026-03-02"))
        engine.mustApply(script.customer("cy", "2026-03-02"))
        engine.mustApply(script.order("o-1", of: "ann2", "2026-03-05", "40.00"))
        engine.mustApply(script.order("o-2", of: "bob", "2026-03-05", "40.00"))
        engine.mustApply(script.order("o-3", of: "bob", "2026-03-06", "40.00"))
        engine.mustApply(script.order("o-4", of: "cy", "2026-03-06", "40.00"))

        let same = engine.mustReject(Self.referral(&script, "ann", "ann2", order: "o-1", "2026-03-07"))
        #expect(same?.code == .referralRefused)
        #expect(same?.message == "customers ann and ann2 share the e-mail address ann@example.com (compared without case, spaces or +tags); a customer cannot refer themselves")
        #expect(engine.mustReject(Self.referral(&script, "bob", "bob", order: "o-2", "2026-03-07"))?.message == "customer bob cannot refer themselves")
        #expect(engine.mustReject(Self.referral(&script, "ann", "bob", order: "o-3", "2026-03-07"))?.message
            == "order o-3 is not customer bob's first order (that was o-2); only a first order completes a referral")
        engine.mustApply(Self.referral(&script, "ann", "bob", order: "o-2", "2026-03-07"))
        #expect(engine.mustReject(Self.referral(&script, "cy", "bob", order: "o-2", "2026-03-07"))?.message
            == "customer bob was referred before, by ann (order o-2); a customer can be referred once")
        #expect(engine.mustReject(Self.referral(&script, "ann", "cy", order: "o-4", "2026-03-08"))?.message
            == "customer ann has had 1 referral(s) accepted in the last 365 days, the most the program allows (1)")
        #expect(engine.view(of: "ann")?.referralCount == 1)
    }

    @Test("A birthday earns once a year, dated on the birthday, whether a clock event or the customer's next event passes it")
    func birthdays() {
        var script = EventScript()
        let created = script.customer("ann", "2026-03-01", birthday: "1990-03-20")
        var clocked = Self.engine()
        clocked.mustApply(created)
        let clock = clocked.mustApply(script.clock("2026-03-25"))
        #expect(clock.entries.map { "\($0.entry.day) \($0.entry.points.value) \($0.entry.source.reason)" } == ["2026-03-20 200 birthday 2026"])
        #expect(clocked.mustApply(script.clock("2026-04-01")).entries.isEmpty)
        #expect(clocked.mustApply(script.clock("2027-03-21")).entries.map(\.entry.day) == [day("2027-03-20")])

        var lazy = Self.engine()
        lazy.mustApply(created)
        let order = lazy.mustApply(script.order("o-1", of: "ann", "2026-03-25", "10.00"))
        #expect(order.entries.map { "\($0.entry.day) \($0.entry.source.reason)" } == ["2026-03-20 birthday 2026", "2026-03-25 purchase"])
    }

    @Test("Born on 29 February: the birthday is 28 February in other years; created on the birthday: it counts")
    func leapBirthdays() {
        var engine = Self.engine()
        var script = EventScript()
        engine.mustApply(script.customer("leap", "2026-01-01", birthday: "2000-02-29"))
        #expect(engine.mustApply(script.clock("2026-03-01")).entries.map(\.entry.day) == [day("2026-02-28")])
        #expect(engine.mustApply(script.clock("2028-03-01")).entries.map(\.entry.day) == [day("2027-02-28"), day("2028-02-29")])
        let today = engine.mustApply(script.customer("newborn", "2026-05-04", birthday: "1999-05-04"))
        #expect(today.entries.map(\.entry.day) == [day("2026-05-04")])
    }
}

/// Worked examples of limits, budgets and priorities.
@Suite("Earning limits")
struct EarningLimitTests {
    /// A sign-up bonus paid from a campaign's budget.
    struct SignupBonus: EarningRule {
        var name = "signup-bonus"
        var version = "1"
        var priority = 0
        var points: Int64 = 60
        func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
            guard case .custom(let custom) = event.payload, custom.name == "newsletter_signup" else { return RuleDecision() }
            return RuleDecision(awards: [Award(points: Points(points), reason: "newsletter", campaign: "spring")])
        }
    }

    @Test("A per-order limit caps the awards in priority order, and the explanation names the limit")
    func perOrder() {
        var program = Program(currencies: [.usd])
        program.limits.perOrder = 60
        var engine = Engine(program: program, rules: RuleSet(earning: [PurchasePoints(firstOrderBonus: 50)]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-03-01"))
        let order = engine.mustApply(script.order("o-1", of: "c-1", "2026-03-02", "40.00"))
        #expect(order.entries.map(\.entry.points) == [40, 20])
        #expect(order.adjustments == [AwardAdjustment(
            customerID: "c-1", rule: "purchase-points", reason: "first order bonus", requested: 50, granted: 20,
            why: "the limit of 60 points per order")])
    }

    @Test("A daily limit counts what the customer already earned that day")
    func perDay() {
        var program = Program(currencies: [.usd])
        program.limits.perCustomerPerDay = 100
        var engine = Engine(program: program, rules: RuleSet(earning: [PurchasePoints()]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-03-01"))
        #expect(engine.mustApply(script.order("o-1", of: "c-1", "2026-03-02", "70.00")).entries.map(\.entry.points) == [70])
        let capped = engine.mustApply(script.order("o-2", of: "c-1", "2026-03-02", "70.00"))
        #expect(capped.entries.map(\.entry.points) == [30])
        #expect(capped.adjustments.map(\.why) == ["the limit of 100 points per customer per day"])
        #expect(engine.mustApply(script.order("o-3", of: "c-1", "2026-03-03", "70.00")).entries.map(\.entry.points) == [70])
        // Refunding the capped order takes back what it actually earned, line by line.
        let refund = engine.mustApply(script.orderEvent("order_cancelled", "o-2", of: "c-1", "2026-03-04"))
        #expect(refund.entries.map(\.entry.points) == [-30])
    }

    @Test("A campaign budget is shared by all customers; what is left goes to the next, then nothing")
    func budget() {
        var program = Program()
        program.campaignBudgets = ["spring": 100]
        var engine = Engine(program: program, rules: RuleSet(earning: [SignupBonus()]))
        var script = EventScript()
        for id in ["a", "b", "c"] { engine.mustApply(script.customer(id, "2026-03-01")) }
        func signup(_ id: String) -> Decisions {
            engine.mustApply(script("custom", "2026-03-02", #""name":"newsletter_signup","customer_id":"\#(id)""#))
        }
        #expect(signup("a").entries.map(\.entry.points) == [60])
        let b = signup("b")
        #expect(b.entries.map(\.entry.points) == [40])
        #expect(b.adjustments.map(\.why) == ["campaign spring's budget of 100 points"])
        let c = signup("c")
        #expect(c.entries.isEmpty)
        #expect(c.adjustments.map(\.granted) == [0])
    }

    @Test("Rules are asked highest priority first")
    func priority() {
        var program = Program(currencies: [.usd])
        program.limits.perCustomerPerDay = 50
        var urgent = SignupBonus(name: "urgent", points: 40)
        urgent.priority = 10
        let rules = RuleSet(earning: [SignupBonus(name: "ordinary", points: 40), urgent])
        #expect(rules.earning.map(\.name) == ["urgent", "ordinary"])
        var engine = Engine(program: program, rules: rules)
        var script = EventScript()
        engine.mustApply(script.customer("a", "2026-03-01"))
        let signup = engine.mustApply(script("custom", "2026-03-02", #""name":"newsletter_signup","customer_id":"a""#))
        #expect(signup.entries.map { "\($0.entry.source.rule ?? "-") \($0.entry.points.value)" } == ["urgent 40", "ordinary 10"])
    }
}
