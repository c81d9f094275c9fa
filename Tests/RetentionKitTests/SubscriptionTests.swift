import RetentionKit
import Testing

@Suite("Subscriptions: the state machine, bundles, events and the engine")
struct SubscriptionTests {
    static let usd = Currency.usd
    static func price(_ text: String) -> Money {
        do { return try Money(parsing: text, currency: .usd) } catch { preconditionFailure("\(error)") }
    }
    static func monthly() -> Subscription {
        do {
            let bundle = try SubscriptionBundle(items: [SubscriptionItem(sku: "BEANS", quantity: 1, unitPrice: price("20.00"))])
            return Subscription(
                id: "sub-1", customerID: "c-1", plan: "coffee", interval: try SubscriptionInterval(count: 1, unit: .month),
                bundle: bundle, startedOn: day("2026-01-31"))
        } catch { preconditionFailure("\(error)") }
    }

    @Test("The documented walk through every state, with the refusals")
    func stateMachine() throws {
        var sub = Self.monthly()
        #expect(sub.nextRenewal == day("2026-02-28"))
        try sub.renew(orderID: "o1", on: day("2026-02-28"))
        try sub.renew(orderID: "o2", on: day("2026-03-28"))
        #expect(sub.consecutiveRenewals == 2)
        #expect(sub.nextRenewal == day("2026-04-28"))
        // Renewing with an order used before is refused.
        #expect(throws: SubscriptionError.self) { try sub.renew(orderID: "o2", on: day("2026-04-28")) }

        try sub.pause(until: nil, on: day("2026-04-01"))
        let paused = sub
        do {
            try sub.renew(orderID: "o3", on: day("2026-04-28"))
            Issue.record("a paused subscription renewed")
        } catch {
            #expect(error.code == .invalidTransition)
            #expect(error.description == "subscription sub-1: it is paused; send subscription_resumed before renewing it")
        }
        #expect(sub == paused)   // a refusal changes nothing
        #expect(sub.consecutiveRenewals == 0)   // a pause ends the streak
        try sub.resume(on: day("2026-05-10"))
        #expect(sub.nextRenewal == day("2026-06-10"))
        #expect(throws: SubscriptionError.self) { try sub.resume(on: day("2026-05-11")) }

        try sub.skip(on: day("2026-06-01"))
        #expect(sub.nextRenewal == day("2026-07-10"))
        #expect(sub.skips(inLast: 6) == 1)

        // Two failures: past due; a renewal clears it; three in a row cancel as involuntary churn.
        #expect(try !sub.paymentFailed(on: day("2026-07-10"), cancelAfter: 3))
        #expect(try !sub.paymentFailed(on: day("2026-07-12"), cancelAfter: 3))
        #expect(sub.status == .pastDue(failures: 2))
        #expect(throws: SubscriptionError.self) { try sub.pause(until: nil, on: day("2026-07-13")) }
        try sub.renew(orderID: "o4", on: day("2026-07-14"))
        #expect(sub.status == .active)
        for (index, failure) in ["2026-08-14", "2026-08-16", "2026-08-18"].enumerated() {
            #expect(try sub.paymentFailed(on: day(failure), cancelAfter: 3) == (index == 2))
        }
        #expect(sub.status == .cancelled(reason: "payment failed 3 times in a row", voluntary: false, on: day("2026-08-18")))
        #expect(sub.renewals == 3)
        #expect(throws: SubscriptionError.self) { try sub.renew(orderID: "o5", on: day("2026-09-01")) }
        #expect(throws: SubscriptionError.self) { try sub.cancel(reason: "again", voluntary: true, on: day("2026-09-01")) }
        #expect(sub.tenureDays(on: day("2027-01-01")) == day("2026-08-18") - day("2026-01-31"))
    }

    @Test("A pause with an end day ends by itself")
    func pauseUntil() throws {
        var sub = Self.monthly()
        try sub.pause(until: day("2026-03-15"), on: day("2026-02-10"))
        #expect(!sub.isLive(on: day("2026-03-15")))
        #expect(sub.isLive(on: day("2026-03-16")))
        #expect(throws: SubscriptionError.self) { try sub.pause(until: day("2026-02-01"), on: day("2026-02-10")) }
        try sub.renew(orderID: "o1", on: day("2026-04-15"))   // no resume needed: the pause ran out
        #expect(sub.status == .active)
    }

    @Test("Intervals: months keep the day, or the month's last", arguments: [
        (1, SubscriptionInterval.Unit.month, "2026-01-31", "2026-02-28"), (1, .month, "2024-01-31", "2024-02-29"),
        (3, .month, "2026-11-30", "2027-02-28"), (2, .week, "2026-12-25", "2027-01-08"), (10, .day, "2026-02-25", "2026-03-07"),
    ])
    func intervals(_ count: Int, _ unit: SubscriptionInterval.Unit, _ from: String, _ to: String) throws {
        #expect(try SubscriptionInterval(count: count, unit: unit).next(after: day(from)) == day(to))
    }

    @Test("Bundles: a discount on the sum, rounded to the cent; one currency; at least one item")
    func bundles() throws {
        let bundle = try SubscriptionBundle(
            items: [SubscriptionItem(sku: "BEANS", quantity: 2, unitPrice: Self.price("12.00")),
                    SubscriptionItem(sku: "FILTERS", quantity: 1, unitPrice: Self.price("4.05"))],
            discountPercent: 10)
        #expect(bundle.listPrice == Self.price("28.05"))
        #expect(bundle.cyclePrice == Self.price("25.24"))   // 28.05 − 2.805, rounded: 2.81 off
        #expect(throws: SubscriptionError.self) { try SubscriptionBundle(items: []) }
        #expect(throws: SubscriptionError.self) {
            try SubscriptionBundle(items: [
                SubscriptionItem(sku: "A", quantity: 1, unitPrice: Self.price("1.00")),
                SubscriptionItem(sku: "B", quantity: 1, unitPrice: Money(minorUnits: 100, currency: .eur)),
            ])
        }
        #expect(throws: SubscriptionError.self) { try SubscriptionBundle(items: bundle.items, discountPercent: 101) }
        #expect(throws: SubscriptionError.self) { try SubscriptionInterval(count: 0, unit: .week) }
    }

    @Test("Events read from JSON and write back the same")
    func json() throws {
        let lines = [
            #"{"id":"s1","type":"subscription_started","at":"2026-01-05T10:00:00Z","subscription":{"id":"sub-1","customer_id":"c-1","plan":"coffee","interval":{"count":2,"unit":"week"},"currency":"USD","items":[{"sku":"BEANS","quantity":2,"unit_price":"12.00"}],"bundle_discount_percent":5}}"#,
            #"{"id":"s2","type":"subscription_renewed","at":"2026-01-19T10:00:00Z","subscription_id":"sub-1","customer_id":"c-1","order_id":"o-9"}"#,
            #"{"id":"s3","type":"subscription_paused","at":"2026-01-20T10:00:00Z","subscription_id":"sub-1","customer_id":"c-1","until":"2026-03-01"}"#,
            #"{"id":"s4","type":"subscription_swapped","at":"2026-01-21T10:00:00Z","subscription_id":"sub-1","customer_id":"c-1","currency":"USD","items":[{"sku":"DECAF","quantity":1,"unit_price":"14.00"}],"bundle_discount_percent":0,"plan":"decaf"}"#,
            #"{"id":"s5","type":"subscription_interval_changed","at":"2026-01-22T10:00:00Z","subscription_id":"sub-1","customer_id":"c-1","interval":{"count":1,"unit":"month"}}"#,
            #"{"id":"s6","type":"subscription_cancelled","at":"2026-01-23T10:00:00Z","subscription_id":"sub-1","customer_id":"c-1","reason":"too much coffee","voluntary":true}"#,
        ]
        for line in lines {
            let event = try EventParser.parse(line)
            #expect(try EventParser.parse(event.json.text) == event)
            #expect(event.customerID == "c-1")
        }
        #expect(try EventParser.parse(lines[0]).type == "subscription_started")
        // Bad input names the field and what to write.
        let badUnit = lines[4].replacingOccurrences(of: #""unit":"month""#, with: #""unit":"fortnight""#)
        do {
            _ = try EventParser.parse(badUnit)
            Issue.record("an unknown unit was read")
        } catch {
            #expect(error.field == "interval.unit")
            #expect(error.message.contains("day, week or month"))
        }
        let noItems = lines[3].replacingOccurrences(of: #"[{"sku":"DECAF","quantity":1,"unit_price":"14.00"}]"#, with: "[]")
        #expect(throws: EventDecodingError.self) { try EventParser.parse(noItems) }
    }

    @Test("The engine: renewals and streaks earn, refusals change nothing, the view counts subscriptions")
    func engine() throws {
        var engine = Engine(
            program: Program(currencies: [.usd], subscriptions: SubscriptionPolicy(cancelAfterFailedPayments: 2)),
            rules: RuleSet(earning: [SubscriptionPoints(perRenewal: 50, streakLength: 3, streakBonus: 100, onStart: 20)]))
        var e = EventScript()
        engine.mustApply(e.customer("c-1", "2026-01-01"))
        func sub(_ type: String, _ date: String, _ body: String = "") -> Event {
            e(type, date, #""subscription_id":"sub-1","customer_id":"c-1""# + (body.isEmpty ? "" : ",\(body)"))
        }
        engine.mustApply(e("subscription_started", "2026-01-05", #""subscription":{"id":"sub-1","customer_id":"c-1","plan":"coffee","interval":{"count":1,"unit":"month"},"currency":"USD","items":[{"sku":"BEANS","quantity":1,"unit_price":"20.00"}]}"#))
        for (index, date) in ["2026-02-05", "2026-03-05", "2026-04-05"].enumerated() {
            let decisions = engine.mustApply(sub("subscription_renewed", date, #""order_id":"o\#(index)""#))
            #expect(decisions.entries.reduce(0) { $0 + $1.entry.points.value } == (index == 2 ? 150 : 50))
        }
        var view = try #require(engine.view(of: "c-1"))
        #expect(view.subscriptions.activeCount == 1)
        #expect(view.subscriptions.consecutiveRenewals == 3)
        #expect(view.subscriptions.status == "active")
        #expect(view.lifetimePoints == Points(20 + 50 + 50 + 150))

        // Resuming an active subscription is refused, names the subscription, and changes nothing.
        let error = engine.mustReject(sub("subscription_resumed", "2026-04-10"))
        #expect(error?.code == .subscription)
        #expect(error?.message.contains("sub-1") == true)
        #expect(engine.view(of: "c-1")?.subscriptions == view.subscriptions)
        // An unknown subscription is refused with what to send first.
        let unknown = engine.mustReject(e("subscription_skipped", "2026-04-11", #""subscription_id":"sub-9","customer_id":"c-1""#))
        #expect(unknown?.message.contains("subscription_started") == true)

        engine.mustApply(sub("subscription_skipped", "2026-04-20"))
        view = try #require(engine.view(of: "c-1"))
        #expect(view.subscriptions.consecutiveRenewals == 0)
        #expect(view.subscriptions.recentSkips == 1)
        engine.mustApply(sub("subscription_payment_failed", "2026-06-05"))
        #expect(engine.view(of: "c-1")?.subscriptions.status == "past_due")
        let cancelled = engine.mustApply(sub("subscription_payment_failed", "2026-06-07"))
        #expect(cancelled.notes.contains { $0.contains("involuntary churn") })
        view = try #require(engine.view(of: "c-1", on: day("2026-06-08")))
        #expect(view.subscriptions.status == "cancelled")
        #expect(view.subscriptions.activeCount == 0)
        #expect(view.subscriptions.tenureDays == nil)
        _ = engine.mustReject(sub("subscription_renewed", "2026-07-05", #""order_id":"o9""#))
        // A second subscription id for the same customer must be new.
        _ = engine.mustReject(e("subscription_started", "2026-07-06", #""subscription":{"id":"sub-1","customer_id":"c-1","plan":"tea","interval":{"count":1,"unit":"month"},"currency":"USD","items":[{"sku":"TEA","quantity":1,"unit_price":"9.00"}]}"#))
    }
}
