import RetentionKit
import Testing

/// Worked examples of segments and campaign triggers (Documentation/Engine.md).
@Suite("Segments and campaign triggers")
struct SegmentTriggerTests {
    static let atRisk = Segment("at_risk") { $0.orderCount > 0 && ($0.daysSinceLastOrder ?? 0) > 90 }
    static let repeatBuyers = Segment("repeat") { $0.orderCount >= 2 }
    static let winBack = Trigger("win-back") { event, customer in
        guard case .tierChanged(let change) = event.payload, !change.isUpgrade else { return [] }
        return [CampaignRequest(campaign: "win_back", reason: "moved down to \(change.to ?? "no tier")")]
    }
    static let thanks = Trigger("thanks") { event, customer in
        guard event.type == "order_placed", customer.orderCount == 2 else { return [] }
        return [CampaignRequest(campaign: "second_order_thanks", reason: "second order")]
    }

    @Test("Membership changes are decisions: after the customer's events, and on clock events as time passes")
    func segments() {
        var engine = Engine(program: Program(), rules: RuleSet(earning: [], segments: [Self.atRisk, Self.repeatBuyers]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "30.00"))
        #expect(engine.mustApply(script.clock("2026-04-10")).segmentChanges.isEmpty)  // 90 days: not yet
        let risk = engine.mustApply(script.clock("2026-04-11"))
        #expect(risk.segmentChanges == [SegmentChange(customerID: "c-1", segment: "at_risk", joined: true, day: day("2026-04-11"))])
        #expect(engine.view(of: "c-1")?.segments == ["at_risk"])
        let back = engine.mustApply(script.order("o-2", of: "c-1", "2026-04-20", "30.00"))
        #expect(back.segmentChanges.map { "\($0.segment) \($0.joined)" } == ["repeat true", "at_risk false"])
        #expect(engine.view(of: "c-1")?.segments == ["repeat"])
    }

    @Test("Triggers answer events and the engine's tier changes with campaign actions")
    func triggers() throws {
        let tiers = try SpendTiers(measure: .spend(.usd), tiers: [Tier("silver", from: 50_00)])
        var program = Program(currencies: [.usd])
        program.tierDowngrade = .immediate
        var engine = Engine(program: program, rules: RuleSet(earning: [], tiers: tiers, triggers: [Self.winBack, Self.thanks]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        engine.mustApply(script.order("o-1", of: "c-1", "2026-01-10", "60.00"))
        let second = engine.mustApply(script.order("o-2", of: "c-1", "2026-01-11", "10.00"))
        #expect(second.campaignActions == [CampaignAction(
            customerID: "c-1", campaign: "second_order_thanks", trigger: "thanks", reason: "second order", eventType: "order_placed",
            day: day("2026-01-11"))])
        let cancelled = engine.mustApply(script.orderEvent("order_cancelled", "o-1", of: "c-1", "2026-01-12"))
        #expect(cancelled.campaignActions.map { "\($0.campaign) (\($0.eventType)): \($0.reason)" } == ["win_back (tier_changed): moved down to no tier"])
    }

    @Test("A segment group's answers join and leave its segments like definitions asked apart")
    func segmentGroup() {
        struct Spend: SegmentGroup {
            let names = ["big_spender", "buyer", "no_orders"]
            func memberships(of customer: CustomerView) -> [Bool] {
                let spent = customer.totalSpent.values.reduce(0, +)
                return [spent >= 50_00, customer.orderCount > 0, customer.orderCount == 0]
            }
        }
        let apart = [
            Segment("big_spender") { $0.totalSpent.values.reduce(0, +) >= 50_00 }, Segment("buyer") { $0.orderCount > 0 },
            Segment("no_orders") { $0.orderCount == 0 },
        ]
        var grouped = Engine(program: Program(), rules: RuleSet(earning: [PurchasePoints()], segmentGroups: [Spend()]))
        var separate = Engine(program: Program(), rules: RuleSet(earning: [PurchasePoints()], segments: apart))
        var script = EventScript()
        let events = [
            script.customer("c-1", "2026-01-05"), script.order("o-1", of: "c-1", "2026-01-10", "30.00"),
            script.order("o-2", of: "c-1", "2026-01-11", "25.00"), script.orderEvent("order_cancelled", "o-2", of: "c-1", "2026-01-12"),
        ]
        var changes: [[String]] = []
        for event in events {
            let outcome = grouped.mustApply(event)
            #expect(outcome == separate.mustApply(event))
            changes.append(outcome.segmentChanges.map { "\($0.joined ? "+" : "-")\($0.segment)" })
        }
        #expect(changes == [["+no_orders"], ["+buyer", "-no_orders"], ["+big_spender"], ["-big_spender"]])
        #expect(grouped.view(of: "c-1")?.segments == ["buyer"])
    }

    @Test("A segment group that fails or answers the wrong number of times rejects the event, naming the segment")
    func failingSegmentGroup() {
        struct Failure: Error, CustomStringConvertible { var description: String { "no data" } }
        struct Group: SegmentGroup {
            var answers: Int
            let names = ["first", "second"]
            func memberships(of customer: CustomerView) throws -> [Bool] {
                guard customer.orderCount == 0 else { throw SegmentFailure(segment: "second", error: Failure()) }
                return Array(repeating: false, count: answers)
            }
        }
        var engine = Engine(program: Program(), rules: RuleSet(earning: [PurchasePoints()], segmentGroups: [Group(answers: 2)]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        let failed = engine.mustReject(script.order("o-1", of: "c-1", "2026-01-10", "30.00"))
        #expect(failed?.message == "segment second failed for customer c-1: no data")
        #expect(failed?.rule == "second")
        #expect(engine.account(of: "c-1")?.entries.isEmpty == true)

        var short = Engine(program: Program(), rules: RuleSet(earning: [], segmentGroups: [Group(answers: 1)]))
        let miscounted = short.mustReject(script.customer("c-2", "2026-01-05"))
        #expect(miscounted?.message.contains("gave 1 answers for 2 segments") == true)
        #expect(short.view(of: "c-2") == nil)
    }

    @Test("A failing segment rejects the event whole")
    func failingSegment() {
        struct Broken: SegmentDefinition {
            let name = "broken"
            struct Failure: Error, CustomStringConvertible { var description: String { "attempt to compare nil with number" } }
            func contains(_ customer: CustomerView) throws -> Bool {
                if customer.orderCount > 0 { throw Failure() }
                return false
            }
        }
        var engine = Engine(program: Program(), rules: RuleSet(earning: [PurchasePoints()], segments: [Broken()]))
        var script = EventScript()
        engine.mustApply(script.customer("c-1", "2026-01-05"))
        let error = engine.mustReject(script.order("o-1", of: "c-1", "2026-01-10", "30.00"))
        #expect(error?.message == "segment broken failed for customer c-1: attempt to compare nil with number")
        #expect(engine.account(of: "c-1")?.entries.isEmpty == true)
        #expect(engine.view(of: "c-1")?.orderCount == 0)
    }
}
