import RetentionKit
import Testing

@Suite("Retention campaigns: built-in triggers, guardrails, holdouts")
struct CampaignTests {
    static func engine(_ triggers: [any CampaignTrigger], _ campaigns: CampaignPolicy = CampaignPolicy(maxActionsPerWindow: nil),
                       tiers: (any TierPolicy)? = nil) -> Engine {
        Engine(program: Program(currencies: [.usd], campaigns: campaigns), rules: RuleSet(earning: [], tiers: tiers, triggers: triggers))
    }

    static func campaigns(_ decisions: Decisions) -> [String] { decisions.campaignActions.map(\.campaign) }

    @Test("Win-back: lapsed by the customer's own rhythm, once per lapse; a new order starts a new one")
    func winBack() throws {
        var engine = Self.engine([WinBackTrigger(factor: 2, daysWithoutOrder: 60)])
        var e = EventScript()
        engine.mustApply(e.customer("ana", "2026-01-01"))
        for (index, date) in ["2026-01-01", "2026-01-11", "2026-01-21"].enumerated() {
            engine.mustApply(e.order("o\(index)", of: "ana", date, "10.00"))
        }
        // Every 10 days: lapsed after more than 20.
        #expect(Self.campaigns(engine.mustApply(e.clock("2026-02-10"))) == [])
        let lapsed = engine.mustApply(e.clock("2026-02-11"))
        #expect(Self.campaigns(lapsed) == ["win_back"])
        #expect(lapsed.campaignActions.first?.reason == "no order for 21 days (more than 20)")
        let again = engine.mustApply(e.clock("2026-02-20"))
        #expect(Self.campaigns(again) == [])
        #expect(again.withheldActions.map(\.outcome) == [.duplicate])
        engine.mustApply(e.order("o3", of: "ana", "2026-03-01", "10.00"))
        // Now every 59 ÷ 3 = 19⅔ days: lapsed after more than 39⅓.
        #expect(Self.campaigns(engine.mustApply(e.clock("2026-04-09"))) == [])
        #expect(Self.campaigns(engine.mustApply(e.clock("2026-04-10"))) == ["win_back"])
        // A one-time buyer is lapsed after the fixed 60 days.
        engine.mustApply(e.customer("bo", "2026-03-01"))
        engine.mustApply(e.order("b1", of: "bo", "2026-03-01", "10.00"))
        #expect(Self.campaigns(engine.mustApply(e.clock("2026-04-30"))).isEmpty)
        #expect(engine.mustApply(e.clock("2026-05-01")).campaignActions.map(\.customerID) == ["bo"])
    }

    @Test("Guardrails: opt-out, quiet days after an order, the frequency cap")
    func guardrails() throws {
        let policy = CampaignPolicy(maxActionsPerWindow: 2, windowDays: 30, quietDaysAfterPurchase: 3)
        var engine = Self.engine([ThankYouTrigger()], policy)
        var e = EventScript()
        engine.mustApply(e("customer_created", "2026-01-01", #""customer":{"id":"quiet","tags":["marketing_opt_out"]}"#))
        engine.mustApply(e("customer_created", "2026-01-01", #""customer":{"id":"opted","attributes":{"marketing_opt_out":true}}"#))
        engine.mustApply(e.customer("ana", "2026-01-01"))
        func review(_ customer: String, _ id: String, _ date: String) -> Decisions {
            engine.mustApply(e("review_posted", date, #""review":{"id":"\#(id)","customer_id":"\#(customer)","sku":"SKU-\#(id)","rating":5}"#))
        }
        #expect(review("quiet", "q1", "2026-01-02").withheldActions.map(\.outcome) == [.optedOut])
        #expect(review("opted", "p1", "2026-01-02").withheldActions.map(\.outcome) == [.optedOut])
        engine.mustApply(e.order("o1", of: "ana", "2026-01-05", "10.00"))
        #expect(review("ana", "r1", "2026-01-07").withheldActions.map(\.outcome) == [.quietPeriod])   // day 2 after the order
        #expect(Self.campaigns(review("ana", "r2", "2026-01-08")) == ["thank_you"])                 // day 3
        #expect(Self.campaigns(review("ana", "r3", "2026-01-20")) == ["thank_you"])
        #expect(review("ana", "r4", "2026-02-06").withheldActions.map(\.outcome) == [.frequencyCap])  // 2 in the 30 days to 02-06
        #expect(Self.campaigns(review("ana", "r5", "2026-02-07")) == ["thank_you"])                 // 01-08 left the window
    }

    @Test("Holdout: a stable share is recorded, not sent, the same in every run")
    func holdout() throws {
        func run() -> (sent: Set<String>, held: Set<String>) {
            var engine = Self.engine([ThankYouTrigger()], CampaignPolicy(maxActionsPerWindow: nil, holdoutPercent: ["thank_you": 20]))
            var e = EventScript()
            var sent: Set<String> = [], held: Set<String> = []
            for index in 0..<500 {
                engine.mustApply(e.customer("c\(index)", "2026-01-01"))
                let decisions = engine.mustApply(e("review_posted", "2026-01-02", #""review":{"id":"r\#(index)","customer_id":"c\#(index)","sku":"MUG","rating":4}"#))
                sent.formUnion(decisions.campaignActions.map(\.customerID))
                held.formUnion(decisions.withheldActions.filter { $0.outcome == .heldOut }.map(\.action.customerID))
            }
            return (sent, held)
        }
        let first = run(), second = run()
        #expect(first.sent.count + first.held.count == 500)
        #expect((70...130).contains(first.held.count), "held out: \(first.held.count)")
        #expect(first.sent == second.sent && first.held == second.held)
        let policy = CampaignPolicy(holdoutPercent: ["thank_you": 20])
        #expect(first.held.allSatisfy { policy.isHeldOut($0, from: "thank_you") })
        #expect(!policy.isHeldOut("c1", from: "win_back"))   // no holdout for other campaigns
    }

    @Test("Service recovery: detractors, long delays and unresolved tickets")
    func serviceRecovery() throws {
        var engine = Self.engine([ServiceRecoveryTrigger(delayDays: 3)])
        var e = EventScript()
        engine.mustApply(e.customer("ana", "2026-01-01"))
        engine.mustApply(e.order("o1", of: "ana", "2026-01-02", "10.00"))
        #expect(Self.campaigns(engine.mustApply(e("feedback_received", "2026-01-03", #""customer_id":"ana","kind":"nps","score":7,"touchpoint":"delivery""#))) == [])
        #expect(Self.campaigns(engine.mustApply(e("feedback_received", "2026-01-04", #""customer_id":"ana","kind":"nps","score":4,"touchpoint":"delivery""#))) == ["service_recovery"])
        #expect(Self.campaigns(engine.mustApply(e("feedback_received", "2026-01-05", #""customer_id":"ana","kind":"csat","score":2,"touchpoint":"support""#))) == ["service_recovery"])
        #expect(Self.campaigns(engine.mustApply(e("delivery_delayed", "2026-01-06", #""order_id":"o1","customer_id":"ana","days":3"#))) == [])
        #expect(Self.campaigns(engine.mustApply(e("delivery_delayed", "2026-01-07", #""order_id":"o1","customer_id":"ana","days":5"#))) == ["service_recovery"])
        // The same order late again: one recovery per order.
        #expect(engine.mustApply(e("delivery_delayed", "2026-01-08", #""order_id":"o1","customer_id":"ana","days":6"#)).withheldActions.map(\.outcome) == [.duplicate])
        #expect(Self.campaigns(engine.mustApply(e("support_ticket_closed", "2026-01-09", #""ticket_id":"t1","customer_id":"ana","resolved":false,"contacts":4"#))) == ["service_recovery"])
    }

    @Test("Compensation points come with a sent service recovery, once per cause, never with a held-out one")
    func compensation() throws {
        func run(holdout: Int) -> (Decisions, Decisions, Points) {
            var engine = Self.engine(
                [ServiceRecoveryTrigger(delayDays: 3, compensationPoints: 150)],
                CampaignPolicy(maxActionsPerWindow: nil, holdoutPercent: ["service_recovery": holdout]))
            var e = EventScript()
            engine.mustApply(e.customer("ana", "2026-01-01"))
            engine.mustApply(e.order("o1", of: "ana", "2026-01-02", "10.00"))
            let first = engine.mustApply(e("delivery_delayed", "2026-01-07", #""order_id":"o1","customer_id":"ana","days":5"#))
            let again = engine.mustApply(e("delivery_delayed", "2026-01-08", #""order_id":"o1","customer_id":"ana","days":6"#))
            return (first, again, engine.view(of: "ana")?.pointsAvailable ?? .zero)
        }
        let (first, again, points) = run(holdout: 0)
        #expect(first.entries.map(\.entry.points) == [Points(150)])
        #expect(first.entries.first?.entry.source.reason == "compensation: service recovery")
        #expect(again.entries.isEmpty)   // the same order: a duplicate, no second compensation
        #expect(points == Points(150))
        let (heldFirst, _, heldPoints) = run(holdout: 100)
        #expect(heldFirst.entries.isEmpty && heldPoints == .zero)
    }

    @Test("VIP early access on reaching a tier, once; a second-purchase nudge; at-risk outreach on a falling score")
    func others() throws {
        let tiers = try SpendTiers(measure: .spend(.usd), tiers: [Tier("silver", from: 250_00), Tier("gold", from: 500_00)])
        var engine = Self.engine(
            [VIPEarlyAccessTrigger(tiers: ["gold"]), SecondPurchaseNudgeTrigger(days: 30), AtRiskOutreachTrigger()], tiers: tiers)
        var e = EventScript()
        engine.mustApply(e.customer("ana", "2026-01-01"))
        #expect(Self.campaigns(engine.mustApply(e.order("o1", of: "ana", "2026-01-02", "300.00"))) == [])   // silver
        #expect(Self.campaigns(engine.mustApply(e.order("o2", of: "ana", "2026-01-03", "300.00"))) == ["vip_early_access"])
        engine.mustApply(e.customer("bo", "2026-01-01"))
        engine.mustApply(e.order("b1", of: "bo", "2026-01-05", "20.00"))
        #expect(engine.mustApply(e.clock("2026-02-03")).campaignActions.isEmpty)
        #expect(engine.mustApply(e.clock("2026-02-04")).campaignActions.map(\.campaign) == ["second_purchase_nudge"])
        #expect(engine.mustApply(e.clock("2026-03-04")).campaignActions.isEmpty)
        // CSAT 5, 4, 3 in three cycles (from 2026-01-07, 02-06, 03-08): the third asks for outreach.
        for (date, score) in [("2026-01-25", 5), ("2026-02-25", 4)] {
            #expect(Self.campaigns(engine.mustApply(e("feedback_received", date, #""customer_id":"bo","kind":"csat","score":\#(score),"touchpoint":"delivery""#))) == [])
        }
        let outreach = engine.mustApply(e("feedback_received", "2026-03-25", #""customer_id":"bo","kind":"csat","score":3,"touchpoint":"delivery""#))
        #expect(Self.campaigns(outreach) == ["at_risk_outreach"])
        #expect(outreach.campaignActions.first?.reason == "satisfaction fell two cycles in a row, to 50")
    }
}
