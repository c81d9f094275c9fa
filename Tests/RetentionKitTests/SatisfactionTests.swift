import RetentionKit
import Testing

@Suite("Satisfaction signals: scores per cycle, flags, events and the engine")
struct SatisfactionTests {
    static func engine(_ policy: SatisfactionPolicy = SatisfactionPolicy()) -> Engine {
        Engine(program: Program(currencies: [.usd], satisfaction: policy), rules: RuleSet(earning: []))
    }

    @Test("One cycle: the weighted mean of every kind of signal")
    func weightedMean() throws {
        func run(_ policy: SatisfactionPolicy) throws -> Double? {
            var engine = Self.engine(policy)
            var e = EventScript()
            engine.mustApply(e.customer("ana", "2026-01-01"))
            engine.mustApply(e.order("o1", of: "ana", "2026-01-07", "30.00"))
            engine.mustApply(e("feedback_received", "2026-01-08", #""customer_id":"ana","kind":"nps","score":9,"touchpoint":"purchase","order_id":"o1""#))
            engine.mustApply(e("feedback_received", "2026-01-09", #""customer_id":"ana","kind":"csat","score":4,"touchpoint":"delivery""#))
            engine.mustApply(e("review_posted", "2026-01-10", #""review":{"id":"r1","customer_id":"ana","sku":"MUG","rating":5}"#))
            engine.mustApply(e("support_ticket_closed", "2026-01-11", #""ticket_id":"t1","customer_id":"ana","resolved":true,"contacts":3,"first_response_minutes":40"#))
            engine.mustApply(e("delivery_delayed", "2026-01-12", #""order_id":"o1","customer_id":"ana","days":2"#))
            return engine.view(of: "ana", on: day("2026-01-13"))?.satisfaction.score
        }
        // 2026-01-07 is day 20_460 = 682 × 30: a cycle starts, and 01-08 … 01-12 lie in it.
        // NPS 9 → 90, CSAT 4 → 75, rating 5 → 100, resolved on the third contact → 60, 2 days late → 60.
        #expect(try run(SatisfactionPolicy()) == (90 + 75 + 100 + 60 + 60) / 5)
        var policy = SatisfactionPolicy()
        policy.weights.delivery = 2
        policy.weights.review = 0
        #expect(try run(policy) == (90 + 75 + 60 + 2 * 60) / 5)
    }

    @Test("Flags: a score that fell twice, a detractor answer, a long delay")
    func flags() throws {
        var engine = Self.engine()
        var e = EventScript()
        engine.mustApply(e.customer("bo", "2026-01-01"))
        engine.mustApply(e.order("o1", of: "bo", "2026-01-02", "30.00"))
        // Cycles start on days divisible by 30: 2026-01-07, 2026-02-06, 2026-03-08, 2026-04-07.
        engine.mustApply(e("feedback_received", "2026-01-25", #""customer_id":"bo","kind":"csat","score":5,"touchpoint":"purchase""#))
        engine.mustApply(e("feedback_received", "2026-02-25", #""customer_id":"bo","kind":"csat","score":4,"touchpoint":"purchase""#))
        var view = try #require(engine.view(of: "bo", on: day("2026-02-26")))
        #expect(view.satisfaction.cycles.map(\.score) == [100, 75])
        #expect(view.satisfaction.cycles.first?.start == day("2026-01-07"))
        #expect(view.satisfaction.flags.isEmpty)
        engine.mustApply(e("feedback_received", "2026-03-25", #""customer_id":"bo","kind":"nps","score":6,"touchpoint":"support""#))
        view = try #require(engine.view(of: "bo", on: day("2026-03-26")))
        #expect(view.satisfaction.flags == ["detractor", "satisfaction_declining"])
        engine.mustApply(e("delivery_delayed", "2026-03-27", #""order_id":"o1","customer_id":"bo","days":4"#))
        #expect(engine.view(of: "bo", on: day("2026-03-28"))?.satisfaction.flags == ["delivery_delayed", "detractor", "satisfaction_declining"])
        // The detractor and delay flags are for the current cycle; the next one starts clean of them.
        #expect(engine.view(of: "bo", on: day("2026-04-25"))?.satisfaction.flags == ["satisfaction_declining"])
    }

    @Test("Bad signals are refused with the field and what to write")
    func refusals() throws {
        var engine = Self.engine()
        var e = EventScript()
        engine.mustApply(e.customer("cy", "2026-01-01"))
        let unknownOrder = engine.mustReject(e("delivery_delayed", "2026-01-02", #""order_id":"o9","customer_id":"cy","days":2"#))
        #expect(unknownOrder?.code == .unknownOrder)
        #expect(engine.view(of: "cy")?.satisfaction.cycles.isEmpty == true)
        for (body, field) in [
            (#""customer_id":"cy","kind":"nps","score":11,"touchpoint":"purchase""#, "score"),
            (#""customer_id":"cy","kind":"stars","score":3,"touchpoint":"purchase""#, "kind"),
            (#""ticket_id":"t","customer_id":"cy","contacts":1"#, "resolved"),
        ] {
            let type = body.contains("ticket_id") ? "support_ticket_closed" : "feedback_received"
            do {
                _ = try EventParser.parse(#"{"id":"x","type":"\#(type)","at":"2026-01-03T00:00:00Z",\#(body)}"#)
                Issue.record("\(body) was read")
            } catch {
                #expect(error.field == field, "\(error)")
            }
        }
    }

    @Test("A merge keeps both profiles' signals")
    func merge() throws {
        var engine = Self.engine()
        var e = EventScript()
        engine.mustApply(e.customer("a", "2026-01-01"))
        engine.mustApply(e.customer("b", "2026-01-01"))
        engine.mustApply(e("feedback_received", "2026-01-25", #""customer_id":"a","kind":"nps","score":10,"touchpoint":"purchase""#))
        engine.mustApply(e("feedback_received", "2026-01-26", #""customer_id":"b","kind":"nps","score":0,"touchpoint":"purchase""#))
        engine.mustApply(e("customers_merged", "2026-01-27", #""survivor_id":"a","merged_id":"b""#))
        #expect(engine.view(of: "a", on: day("2026-01-28"))?.satisfaction.score == 50)
    }
}
